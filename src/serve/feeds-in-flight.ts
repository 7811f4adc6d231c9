/**
 * The items of feeds this server is serving right now, per user: a request
 * excludes them like items already shown, so concurrent requests for one
 * user pick different items without waiting for each other's commit. A
 * user's items are kept until none of their requests is left, since a
 * request that read the store before another one committed still needs
 * that one's items (its read missed them).
 */
export class FeedsInFlight {
  readonly #users = new Map<string, { items: Set<string>; requests: number }>();

  /** Starts a request of `userId`: the items its feed must not take (live: grows as others pick). */
  enter(userId: string): Set<string> {
    let user = this.#users.get(userId);
    if (user === undefined) {
      user = { items: new Set(), requests: 0 };
      this.#users.set(userId, user);
    }
    user.requests += 1;
    return user.items;
  }

  /** Ends a request `enter` started; the last one of its user forgets the user's items. */
  leave(userId: string): void {
    const user = this.#users.get(userId);
    if (user === undefined) return;
    user.requests -= 1;
    if (user.requests === 0) this.#users.delete(userId);
  }

  /** Users with a request in flight (tests: nothing is left behind). */
  get size(): number {
    return this.#users.size;
  }
}
