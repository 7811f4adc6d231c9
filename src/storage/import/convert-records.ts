import type { Interaction, Item, User } from '../../data/index.js';
import type { EventInput, ItemInput, UserInput } from '../records.js';
import { eventId } from './jsonl-format.js';

/**
 * The data module's records (times in seconds) as store records (times in ms).
 * An interaction without a time gets time 0: the store needs one, and 0 sorts
 * it before every real event instead of inventing a date.
 */
export function eventOf(interaction: Interaction): EventInput {
  const time = interaction.time === undefined ? 0 : Math.round(interaction.time * 1000);
  const event: EventInput = {
    id: eventId(interaction.user, interaction.item, time),
    userId: interaction.user,
    itemId: interaction.item,
    time,
  };
  if (interaction.label !== undefined) event.label = interaction.label;
  const signals = { ...interaction.signals };
  if (interaction.watchTimeMs !== undefined) signals.playTimeMs ??= interaction.watchTimeMs;
  if (interaction.durationMs !== undefined) signals.durationMs ??= interaction.durationMs;
  if (Object.keys(signals).length > 0) event.signals = signals;
  return event;
}

/** Caption: the free text, else the title. Cover text and category ids have no column. */
export function itemOf(item: Item): ItemInput {
  const input: ItemInput = { id: item.id };
  const caption = item.text ?? item.title;
  if (caption !== undefined) input.caption = caption;
  if (item.author !== undefined) input.author = item.author;
  if (item.hashtags !== undefined) input.hashtags = item.hashtags;
  if (item.categories !== undefined) input.categories = item.categories;
  if (item.tags !== undefined) input.tags = item.tags;
  if (item.durationMs !== undefined) input.durationMs = item.durationMs;
  if (item.uploadTime !== undefined) input.uploadTime = Math.round(item.uploadTime * 1000);
  return input;
}

export function userOf(user: User): UserInput {
  return user.features === undefined ? { id: user.id } : { id: user.id, features: user.features };
}
