/*
 * genfeed's native kernels: one N-API addon (ABI-stable node_api.h) that the
 * TypeScript engine calls with Float32Array/Int32Array/Uint8Array arguments,
 * zero-copy. GEMM goes to OpenBLAS cblas_sgemm when the build found it
 * (GENFEED_OPENBLAS), else to the cache-blocked C GEMM below. The element-wise
 * kernels mirror src/tensor/backend/ts-kernels.ts argument for argument; the
 * `*Backward` ones accumulate (+=) into their gradient outputs.
 *
 * Threads: one small pool (setThreads) runs every kernel, GEMMs included, over
 * static partitions of rows, columns or batches; OpenBLAS itself stays
 * single-threaded. One pool means no second set of spinning BLAS threads
 * competing with ours, and the element-wise work (half of a transformer step)
 * uses both cores too. Static partitions keep results bit-identical from run to
 * run at a given thread count.
 *
 * Every kernel checks the lengths of the arrays it touches against the sizes it
 * was given, so a wrong call throws a RangeError instead of corrupting memory.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifdef GENFEED_OPENBLAS
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
#endif

/* ---------- argument helpers ---------- */

#define MAX_ARGS 26

typedef struct {
  napi_env env;
  size_t argc;
  napi_value argv[MAX_ARGS];
  int failed;
} Args;

static int fail(Args *a, const char *message) {
  if (!a->failed) napi_throw_range_error(a->env, NULL, message);
  a->failed = 1;
  return 0;
}

static int read_args(napi_env env, napi_callback_info info, Args *a, size_t expected) {
  a->env = env;
  a->failed = 0;
  a->argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL) != napi_ok) return fail(a, "bad call");
  if (a->argc < expected) return fail(a, "too few arguments");
  return 1;
}

static int is_nullish(Args *a, int i) {
  napi_valuetype type;
  napi_typeof(a->env, a->argv[i], &type);
  return type == napi_null || type == napi_undefined;
}

/* A typed array of the given element type (NULL for null/undefined when allowed). */
static void *typed(Args *a, int i, napi_typedarray_type want, size_t *length, int nullable) {
  if (a->failed) return NULL;
  *length = 0;
  if (nullable && is_nullish(a, i)) return NULL;
  napi_typedarray_type type;
  void *data = NULL;
  size_t len = 0;
  int is_typed = 0;
  bool check = false;
  if (napi_is_typedarray(a->env, a->argv[i], &check) == napi_ok && check) is_typed = 1;
  if (!is_typed || napi_get_typedarray_info(a->env, a->argv[i], &type, &len, &data, NULL, NULL) != napi_ok ||
      type != want) {
    fail(a, "argument has the wrong typed-array type");
    return NULL;
  }
  *length = len;
  /* An empty typed array may have a NULL data pointer; callers check lengths first. */
  return data;
}

static float *f32(Args *a, int i, size_t *length) { return typed(a, i, napi_float32_array, length, 0); }
static float *f32_opt(Args *a, int i, size_t *length) { return typed(a, i, napi_float32_array, length, 1); }
static int32_t *i32(Args *a, int i, size_t *length) { return typed(a, i, napi_int32_array, length, 0); }
static uint8_t *u8_opt(Args *a, int i, size_t *length) { return typed(a, i, napi_uint8_array, length, 1); }

static int64_t int_arg(Args *a, int i) {
  double value = 0;
  if (a->failed) return 0;
  if (napi_get_value_double(a->env, a->argv[i], &value) != napi_ok) {
    fail(a, "argument must be a number");
    return 0;
  }
  return (int64_t)value;
}

static double num_arg(Args *a, int i) {
  double value = 0;
  if (a->failed) return 0;
  if (napi_get_value_double(a->env, a->argv[i], &value) != napi_ok) fail(a, "argument must be a number");
  return value;
}

static int bool_arg(Args *a, int i) {
  bool value = false;
  if (a->failed) return 0;
  if (napi_get_value_bool(a->env, a->argv[i], &value) != napi_ok) fail(a, "argument must be a boolean");
  return value ? 1 : 0;
}

static int need(Args *a, size_t have, int64_t want, const char *what) {
  if (a->failed) return 0;
  if (want < 0 || (int64_t)have < want) {
    char message[160];
    snprintf(message, sizeof message, "%s: array of %zu values is shorter than the %lld needed", what, have,
             (long long)want);
    return fail(a, message);
  }
  return 1;
}

/* ---------- vectorisable maths ---------- */

/* exp(x) by Cephes-style range reduction; ~1 ulp in float, branch-free so loops vectorise. */
static inline float fast_exp(float x) {
  x = x < -87.3f ? -87.3f : x;
  x = x > 88.7f ? 88.7f : x;
  float n = floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.0f;
  union {
    int32_t i;
    float f;
  } scale;
  scale.i = ((int32_t)n + 127) << 23;
  return y * scale.f;
}

static inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

#define GELU_S 0.7978845608028654f
#define GELU_C 0.044715f

/* ---------- thread pool ---------- */

#define MAX_THREADS 16
/* Below this many element-operations a kernel runs on the calling thread: waking a worker costs ~5-20 us. */
#define MIN_PARALLEL_WORK 32768

typedef void (*part_fn)(void *ctx, int part, int parts);

/*
 * Dispatch: the caller publishes a job, wakes the workers and then claims parts
 * itself; workers claim parts too (an atomic counter), so when a worker is not
 * scheduled (a busy machine) the caller simply runs every part and never waits
 * for it. Which thread runs a part never changes its range, so results stay
 * bit-identical. Workers spin ~50 us after a job (back-to-back kernels find them
 * awake: ~1 us instead of a ~30-50 us futex wake), then sleep on a condvar.
 */
#define SPIN_LIMIT 2000

typedef struct {
  part_fn fn;
  void *ctx;
  int parts;
  atomic_int next;
  atomic_int done;
} Job;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
/* Held for a whole dispatch; a second JS thread (worker_threads) finding it taken runs its job inline. */
static pthread_mutex_t dispatch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static _Atomic(Job *) pool_job;
static atomic_ulong pool_generation;
static atomic_int pool_active; /* workers that may be looking at pool_job */
static int pool_sleeping;      /* guarded by pool_lock */
static int pool_started;       /* worker threads running */
static int thread_count = 1;   /* including the calling thread */

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static void claim_parts(Job *job) {
  for (;;) {
    int part = atomic_fetch_add(&job->next, 1);
    if (part >= job->parts) return;
    job->fn(job->ctx, part, job->parts);
    atomic_fetch_add(&job->done, 1);
  }
}

static void *worker_main(void *arg) {
  (void)arg;
  unsigned long seen = atomic_load(&pool_generation);
  for (;;) {
    unsigned long now = atomic_load(&pool_generation);
    for (int spins = 0; now == seen && spins < SPIN_LIMIT; spins++) {
      cpu_relax();
      now = atomic_load(&pool_generation);
    }
    if (now == seen) {
      pthread_mutex_lock(&pool_lock);
      pool_sleeping++;
      while ((now = atomic_load(&pool_generation)) == seen) pthread_cond_wait(&pool_wake, &pool_lock);
      pool_sleeping--;
      pthread_mutex_unlock(&pool_lock);
    }
    seen = now;
    atomic_fetch_add(&pool_active, 1);
    Job *job = atomic_load(&pool_job);
    if (job != NULL) claim_parts(job);
    atomic_fetch_sub(&pool_active, 1);
  }
  return NULL;
}

static void wait_until(atomic_int *value, int target, int below) {
  for (long spins = 0;; spins++) {
    int v = atomic_load(value);
    if (below ? v <= target : v >= target) return;
    if (spins < SPIN_LIMIT) cpu_relax();
    else sched_yield();
  }
}

/* Runs fn(ctx, part, parts) for every part in [0, parts) on this thread and the workers. */
static void run_parts(part_fn fn, void *ctx, int parts) {
  if (parts > thread_count) parts = thread_count;
  if (parts <= 1 || pthread_mutex_trylock(&dispatch_lock) != 0) {
    for (int part = 0; part < parts; part++) fn(ctx, part, parts);
    return;
  }
  while (pool_started < thread_count - 1) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, worker_main, NULL) != 0) break;
    pthread_detach(thread);
    pool_started++;
  }
  if (pool_started == 0) {
    pthread_mutex_unlock(&dispatch_lock);
    for (int part = 0; part < parts; part++) fn(ctx, part, parts);
    return;
  }
  Job job = {fn, ctx, parts, 0, 0};
  atomic_store(&pool_job, &job);
  pthread_mutex_lock(&pool_lock);
  atomic_fetch_add(&pool_generation, 1);
  if (pool_sleeping > 0) pthread_cond_broadcast(&pool_wake);
  pthread_mutex_unlock(&pool_lock);
  claim_parts(&job);
  wait_until(&job.done, parts, 0);
  /* No worker may still hold a pointer to this stack frame's job. */
  atomic_store(&pool_job, NULL);
  wait_until(&pool_active, 0, 1);
  pthread_mutex_unlock(&dispatch_lock);
}

/* How many parts a job of `n` items costing `work` each deserves. */
static int parts_for(int64_t n, int64_t work) {
  if (thread_count <= 1 || n < 2 || n * work < MIN_PARALLEL_WORK) return 1;
  return n < thread_count ? (int)n : thread_count;
}

typedef void (*range_fn)(void *ctx, int64_t begin, int64_t end, int part);

typedef struct {
  range_fn fn;
  void *ctx;
  int64_t n;
} RangeJob;

static void range_part(void *arg, int part, int parts) {
  RangeJob *job = arg;
  int64_t begin = job->n * part / parts, end = job->n * (part + 1) / parts;
  if (begin < end) job->fn(job->ctx, begin, end, part);
}

/* fn over [0, n) split into contiguous ranges; returns the number of parts used. */
static int parallel_for(int64_t n, int64_t work_per_item, range_fn fn, void *ctx) {
  int parts = parts_for(n, work_per_item);
  if (parts > thread_count) parts = thread_count;
  if (parts <= 1) {
    if (n > 0) fn(ctx, 0, n, 0);
    return 1;
  }
  RangeJob job = {fn, ctx, n};
  run_parts(range_part, &job, parts);
  return parts;
}

/*
 * Per-part scratch for column sums (dbias, dgamma, ...): part 0 accumulates into
 * the real output, parts 1.. into zeroed scratch that is added in afterwards.
 */
static float *partial_sums(int parts, int64_t cols) {
  if (parts <= 1) return NULL;
  return calloc((size_t)(parts - 1) * (size_t)cols, sizeof(float));
}

static float *partial_target(float *out, float *scratch, int part, int64_t cols) {
  if (out == NULL) return NULL;
  return part == 0 ? out : scratch + (size_t)(part - 1) * (size_t)cols;
}

static void merge_partials(float *out, float *scratch, int parts, int64_t cols) {
  if (out == NULL || scratch == NULL) return;
  for (int p = 1; p < parts; p++) {
    const float *src = scratch + (size_t)(p - 1) * (size_t)cols;
    for (int64_t j = 0; j < cols; j++) out[j] += src[j];
  }
}

/* ---------- GEMM ---------- */

/* C = alpha op(A) op(B) + beta C without BLAS: pack blocks, then a 4-row register loop. */
#define MC 64
#define KC 256
#define NC 512

static void gemm_blocked(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                         const float *B, int ldb, float beta, float *C, int ldc) {
  for (int i = 0; i < M; i++) {
    float *row = C + (size_t)i * ldc;
    if (beta == 0.0f) memset(row, 0, sizeof(float) * (size_t)N);
    else if (beta != 1.0f)
      for (int j = 0; j < N; j++) row[j] *= beta;
  }
  if (alpha == 0.0f || K == 0) return;
  float *bp = malloc(sizeof(float) * KC * NC);
  float *ap = malloc(sizeof(float) * MC * KC);
  if (bp == NULL || ap == NULL) {
    free(bp);
    free(ap);
    return;
  }
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      for (int p = 0; p < kc; p++)
        for (int j = 0; j < nc; j++)
          bp[p * nc + j] = transB ? B[(size_t)(jc + j) * ldb + pc + p] : B[(size_t)(pc + p) * ldb + jc + j];
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        for (int i = 0; i < mc; i++)
          for (int p = 0; p < kc; p++)
            ap[i * kc + p] = alpha * (transA ? A[(size_t)(pc + p) * lda + ic + i] : A[(size_t)(ic + i) * lda + pc + p]);
        int i = 0;
        for (; i + 4 <= mc; i += 4) {
          float *restrict c0 = C + (size_t)(ic + i) * ldc + jc;
          float *restrict c1 = c0 + ldc;
          float *restrict c2 = c1 + ldc;
          float *restrict c3 = c2 + ldc;
          for (int p = 0; p < kc; p++) {
            const float a0 = ap[i * kc + p], a1 = ap[(i + 1) * kc + p];
            const float a2 = ap[(i + 2) * kc + p], a3 = ap[(i + 3) * kc + p];
            const float *restrict b = bp + p * nc;
#pragma omp simd
            for (int j = 0; j < nc; j++) {
              c0[j] += a0 * b[j];
              c1[j] += a1 * b[j];
              c2[j] += a2 * b[j];
              c3[j] += a3 * b[j];
            }
          }
        }
        for (; i < mc; i++) {
          float *restrict c0 = C + (size_t)(ic + i) * ldc + jc;
          for (int p = 0; p < kc; p++) {
            const float a0 = ap[i * kc + p];
            const float *restrict b = bp + p * nc;
#pragma omp simd
            for (int j = 0; j < nc; j++) c0[j] += a0 * b[j];
          }
        }
      }
    }
  }
  free(bp);
  free(ap);
}

static void gemm_one(int transA, int transB, int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t lda,
                     const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
#ifdef GENFEED_OPENBLAS
  if (k > 0) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                (int)k, alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
    return;
  }
#endif
  gemm_blocked(transA, transB, (int)m, (int)n, (int)k, alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
}

typedef struct {
  int transA, transB;
  int64_t m, n, k;
  float alpha, beta;
  const float *A, *B;
  float *C;
  int64_t aOff, lda, aS0, aS1, bOff, ldb, bS0, bS1, cOff, ldc, cS0, cS1, b0, b1;
  int split; /* 0: batches, 1: rows of C, 2: columns of C */
} GemmJob;

static void gemm_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const GemmJob *g = arg;
  if (g->split == 0) {
    for (int64_t index = begin; index < end; index++) {
      int64_t i0 = index / g->b1, i1 = index % g->b1;
      gemm_one(g->transA, g->transB, g->m, g->n, g->k, g->alpha, g->A + g->aOff + i0 * g->aS0 + i1 * g->aS1, g->lda,
               g->B + g->bOff + i0 * g->bS0 + i1 * g->bS1, g->ldb, g->beta, g->C + g->cOff + i0 * g->cS0 + i1 * g->cS1,
               g->ldc);
    }
  } else if (g->split == 1) {
    /* Rows begin..end of C use rows (or, transposed, columns) begin..end of A. */
    const float *a = g->A + g->aOff + (g->transA ? begin : begin * g->lda);
    gemm_one(g->transA, g->transB, end - begin, g->n, g->k, g->alpha, a, g->lda, g->B + g->bOff, g->ldb, g->beta,
             g->C + g->cOff + begin * g->ldc, g->ldc);
  } else {
    const float *b = g->B + g->bOff + (g->transB ? begin * g->ldb : begin);
    gemm_one(g->transA, g->transB, g->m, end - begin, g->k, g->alpha, g->A + g->aOff, g->lda, b, g->ldb, g->beta,
             g->C + g->cOff + begin, g->ldc);
  }
}

static int64_t last_index(int64_t offset, int64_t rows, int64_t cols, int64_t ld, int64_t b0, int64_t s0, int64_t b1,
                          int64_t s1) {
  if (rows == 0 || cols == 0) return 0;
  int64_t reach = offset + (rows - 1) * ld + cols;
  reach += (b0 - 1) * (s0 > 0 ? s0 : 0) + (b1 - 1) * (s1 > 0 ? s1 : 0);
  return reach;
}

/* sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, aS0, aS1, b, bOff, ldb, bS0, bS1,
 *       beta, c, cOff, ldc, cS0, cS1, batch0, batch1) */
static napi_value Sgemm(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 24)) return NULL;
  GemmJob g;
  size_t lenA, lenB, lenC;
  g.transA = bool_arg(&a, 0);
  g.transB = bool_arg(&a, 1);
  g.m = int_arg(&a, 2);
  g.n = int_arg(&a, 3);
  g.k = int_arg(&a, 4);
  g.alpha = (float)num_arg(&a, 5);
  g.A = f32(&a, 6, &lenA);
  g.aOff = int_arg(&a, 7);
  g.lda = int_arg(&a, 8);
  g.aS0 = int_arg(&a, 9);
  g.aS1 = int_arg(&a, 10);
  g.B = f32(&a, 11, &lenB);
  g.bOff = int_arg(&a, 12);
  g.ldb = int_arg(&a, 13);
  g.bS0 = int_arg(&a, 14);
  g.bS1 = int_arg(&a, 15);
  g.beta = (float)num_arg(&a, 16);
  g.C = f32(&a, 17, &lenC);
  g.cOff = int_arg(&a, 18);
  g.ldc = int_arg(&a, 19);
  g.cS0 = int_arg(&a, 20);
  g.cS1 = int_arg(&a, 21);
  g.b0 = int_arg(&a, 22);
  g.b1 = int_arg(&a, 23);
  if (a.failed) return NULL;
  const int64_t m = g.m, n = g.n, k = g.k;
  if (m < 0 || n < 0 || k < 0 || g.b0 < 0 || g.b1 < 0 || g.aOff < 0 || g.bOff < 0 || g.cOff < 0) {
    fail(&a, "sgemm: negative size or offset");
    return NULL;
  }
  if (m == 0 || n == 0 || g.b0 == 0 || g.b1 == 0) return NULL;
  int64_t aRows = g.transA ? k : m, aCols = g.transA ? m : k;
  int64_t bRows = g.transB ? n : k, bCols = g.transB ? k : n;
  if (g.lda < (aCols > 1 ? aCols : 1) || g.ldb < (bCols > 1 ? bCols : 1) || g.ldc < n) {
    fail(&a, "sgemm: leading dimension smaller than the row length");
    return NULL;
  }
  if (k > 0) {
    if (!need(&a, lenA, last_index(g.aOff, aRows, aCols, g.lda, g.b0, g.aS0, g.b1, g.aS1), "sgemm A")) return NULL;
    if (!need(&a, lenB, last_index(g.bOff, bRows, bCols, g.ldb, g.b0, g.bS0, g.b1, g.bS1), "sgemm B")) return NULL;
  }
  if (!need(&a, lenC, last_index(g.cOff, m, n, g.ldc, g.b0, g.cS0, g.b1, g.cS1), "sgemm C")) return NULL;
  const int64_t batches = g.b0 * g.b1;
  const int64_t work = m * n * (k > 0 ? k : 1);
  /* Batches that accumulate into a shared C (stride 0) must stay sequential. */
  const int sharedC = batches > 1 && ((g.b0 > 1 && g.cS0 == 0) || (g.b1 > 1 && g.cS1 == 0));
  if (batches > 1) {
    g.split = 0;
    if (sharedC) gemm_range(&g, 0, batches, 0);
    else parallel_for(batches, work, gemm_range, &g);
  } else if (m >= n) {
    g.split = 1;
    parallel_for(m, n * (k > 0 ? k : 1) / 4, gemm_range, &g);
  } else {
    g.split = 2;
    parallel_for(n, m * (k > 0 ? k : 1) / 4, gemm_range, &g);
  }
  return NULL;
}

/* ---------- bias + activation ---------- */

enum { ACT_NONE = 0, ACT_RELU = 1, ACT_GELU = 2, ACT_SILU = 3, ACT_SIGMOID = 4 };

typedef struct {
  const float *x, *bias, *dy, *out;
  float *y, *dx, *dbias, *scratch;
  int64_t cols;
  int act, overwrite;
} BiasActJob;

static void bias_act_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const BiasActJob *job = arg;
  const int64_t cols = job->cols;
  const float *bias = job->bias;
  for (int64_t r = begin; r < end; r++) {
    const float *xr = job->x + r * cols;
    float *yr = job->y + r * cols;
    switch (job->act) {
      case ACT_RELU:
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) {
          float z = xr[j] + (bias ? bias[j] : 0.0f);
          yr[j] = z > 0.0f ? z : 0.0f;
        }
        break;
      case ACT_GELU:
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) {
          /* 0.5 (1 + tanh(u)) = sigmoid(2u): one exp and one division. */
          float z = xr[j] + (bias ? bias[j] : 0.0f);
          yr[j] = z * fast_sigmoid(2.0f * GELU_S * (z + GELU_C * z * z * z));
        }
        break;
      case ACT_SILU:
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) {
          float z = xr[j] + (bias ? bias[j] : 0.0f);
          yr[j] = z * fast_sigmoid(z);
        }
        break;
      case ACT_SIGMOID:
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) yr[j] = fast_sigmoid(xr[j] + (bias ? bias[j] : 0.0f));
        break;
      default:
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) yr[j] = xr[j] + (bias ? bias[j] : 0.0f);
    }
  }
}

/* biasAct(x, bias|null, out, rows, cols, act) */
static napi_value BiasAct(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 6)) return NULL;
  size_t lx, lb, lo;
  BiasActJob job = {0};
  job.x = f32(&a, 0, &lx);
  job.bias = f32_opt(&a, 1, &lb);
  job.y = f32(&a, 2, &lo);
  int64_t rows = int_arg(&a, 3), cols = int_arg(&a, 4);
  job.act = (int)int_arg(&a, 5);
  job.cols = cols;
  if (!need(&a, lx, rows * cols, "biasAct x") || !need(&a, lo, rows * cols, "biasAct out")) return NULL;
  if (job.bias != NULL && !need(&a, lb, cols, "biasAct bias")) return NULL;
  parallel_for(rows, cols * (job.act == ACT_NONE || job.act == ACT_RELU ? 1 : 8), bias_act_range, &job);
  return NULL;
}

static void bias_act_backward_range(void *arg, int64_t begin, int64_t end, int part) {
  const BiasActJob *job = arg;
  const int64_t cols = job->cols;
  const float *bias = job->bias;
  float *dbias = partial_target(job->dbias, job->scratch, part, cols);
  float *g = malloc(sizeof(float) * (size_t)(cols > 0 ? cols : 1));
  if (g == NULL) return;
  for (int64_t r = begin; r < end; r++) {
    const float *dyr = job->dy + r * cols;
    switch (job->act) {
      case ACT_RELU: {
        const float *yr = job->out + r * cols;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) g[j] = yr[j] > 0.0f ? dyr[j] : 0.0f;
        break;
      }
      case ACT_GELU: {
        const float *xr = job->x + r * cols;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) {
          /* With s = sigmoid(2u): 0.5 (1 + tanh u) = s and 1 - tanh^2 u = 4 s (1 - s). */
          float z = xr[j] + (bias ? bias[j] : 0.0f);
          float sg = fast_sigmoid(2.0f * GELU_S * (z + GELU_C * z * z * z));
          g[j] = dyr[j] * (sg + 2.0f * z * sg * (1.0f - sg) * GELU_S * (1.0f + 3.0f * GELU_C * z * z));
        }
        break;
      }
      case ACT_SILU: {
        const float *xr = job->x + r * cols;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) {
          float z = xr[j] + (bias ? bias[j] : 0.0f);
          float s = fast_sigmoid(z);
          g[j] = dyr[j] * s * (1.0f + z * (1.0f - s));
        }
        break;
      }
      case ACT_SIGMOID: {
        const float *yr = job->out + r * cols;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) g[j] = dyr[j] * yr[j] * (1.0f - yr[j]);
        break;
      }
      default:
        memcpy(g, dyr, sizeof(float) * (size_t)cols);
    }
    if (job->dx != NULL) {
      float *dxr = job->dx + r * cols;
      if (job->overwrite) memcpy(dxr, g, sizeof(float) * (size_t)cols);
      else {
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) dxr[j] += g[j];
      }
    }
    if (dbias != NULL) {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dbias[j] += g[j];
    }
  }
  free(g);
}

/* biasActBackward(dy, x, bias|null, out, dx|null, dbias|null, rows, cols, act, overwriteDx) */
static napi_value BiasActBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 10)) return NULL;
  size_t ldy, lx, lb, lo, ldx, ldb;
  BiasActJob job = {0};
  job.dy = f32(&a, 0, &ldy);
  job.x = f32(&a, 1, &lx);
  job.bias = f32_opt(&a, 2, &lb);
  job.out = f32(&a, 3, &lo);
  job.dx = f32_opt(&a, 4, &ldx);
  job.dbias = f32_opt(&a, 5, &ldb);
  int64_t rows = int_arg(&a, 6), cols = int_arg(&a, 7);
  job.act = (int)int_arg(&a, 8);
  job.overwrite = bool_arg(&a, 9);
  job.cols = cols;
  int64_t size = rows * cols;
  const int act = job.act;
  if (!need(&a, ldy, size, "biasActBackward dy")) return NULL;
  if ((act == ACT_GELU || act == ACT_SILU) && !need(&a, lx, size, "biasActBackward x")) return NULL;
  if ((act == ACT_RELU || act == ACT_SIGMOID) && !need(&a, lo, size, "biasActBackward out")) return NULL;
  if (job.bias != NULL && !need(&a, lb, cols, "biasActBackward bias")) return NULL;
  if (job.dx != NULL && !need(&a, ldx, size, "biasActBackward dx")) return NULL;
  if (job.dbias != NULL && !need(&a, ldb, cols, "biasActBackward dbias")) return NULL;
  int parts = parts_for(rows, cols * 4);
  job.scratch = job.dbias ? partial_sums(parts, cols) : NULL;
  if (job.dbias && parts > 1 && job.scratch == NULL) parts = 1;
  if (parts > 1) {
    RangeJob range = {bias_act_backward_range, &job, rows};
    run_parts(range_part, &range, parts);
  } else if (rows > 0) {
    bias_act_backward_range(&job, 0, rows, 0);
  }
  merge_partials(job.dbias, job.scratch, parts, cols);
  free(job.scratch);
  return NULL;
}

/* ---------- LayerNorm / RMSNorm ---------- */

typedef struct {
  const float *x, *gamma, *beta, *dy;
  float *y, *mean, *rstd, *dx, *dgamma, *dbeta, *scratchGamma, *scratchBeta;
  int64_t cols;
  float eps;
} NormJob;

static void layer_norm_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const NormJob *job = arg;
  const int64_t cols = job->cols;
  const float *gamma = job->gamma, *beta = job->beta;
  for (int64_t r = begin; r < end; r++) {
    const float *xr = job->x + r * cols;
    float *yr = job->y + r * cols;
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < cols; j++) sum += xr[j];
    float mu = sum / (float)cols;
    float sq = 0.0f;
#pragma omp simd reduction(+ : sq)
    for (int64_t j = 0; j < cols; j++) {
      float d = xr[j] - mu;
      sq += d * d;
    }
    float rs = 1.0f / sqrtf(sq / (float)cols + job->eps);
    job->mean[r] = mu;
    job->rstd[r] = rs;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] - mu) * rs * (gamma ? gamma[j] : 1.0f) + (beta ? beta[j] : 0.0f);
  }
}

/* layerNorm(x, gamma|null, beta|null, y, mean, rstd, rows, cols, eps) */
static napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 9)) return NULL;
  size_t lx, lg, lb, ly, lm, lr;
  NormJob job = {0};
  job.x = f32(&a, 0, &lx);
  job.gamma = f32_opt(&a, 1, &lg);
  job.beta = f32_opt(&a, 2, &lb);
  job.y = f32(&a, 3, &ly);
  job.mean = f32(&a, 4, &lm);
  job.rstd = f32(&a, 5, &lr);
  int64_t rows = int_arg(&a, 6), cols = int_arg(&a, 7);
  job.eps = (float)num_arg(&a, 8);
  job.cols = cols;
  if (!need(&a, lx, rows * cols, "layerNorm x") || !need(&a, ly, rows * cols, "layerNorm y") ||
      !need(&a, lm, rows, "layerNorm mean") || !need(&a, lr, rows, "layerNorm rstd"))
    return NULL;
  if ((job.gamma && !need(&a, lg, cols, "layerNorm gamma")) || (job.beta && !need(&a, lb, cols, "layerNorm beta")))
    return NULL;
  parallel_for(rows, cols * 3, layer_norm_range, &job);
  return NULL;
}

static void layer_norm_backward_range(void *arg, int64_t begin, int64_t end, int part) {
  const NormJob *job = arg;
  const int64_t cols = job->cols;
  const float *gamma = job->gamma;
  float *dgamma = partial_target(job->dgamma, job->scratchGamma, part, cols);
  float *dbeta = partial_target(job->dbeta, job->scratchBeta, part, cols);
  for (int64_t r = begin; r < end; r++) {
    const float *dyr = job->dy + r * cols;
    const float *xr = job->x + r * cols;
    const float mu = job->mean[r], rs = job->rstd[r];
    float sumG = 0.0f, sumGH = 0.0f;
#pragma omp simd reduction(+ : sumG, sumGH)
    for (int64_t j = 0; j < cols; j++) {
      float h = (xr[j] - mu) * rs;
      float g = dyr[j] * (gamma ? gamma[j] : 1.0f);
      sumG += g;
      sumGH += g * h;
    }
    if (dgamma != NULL) {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dgamma[j] += dyr[j] * (xr[j] - mu) * rs;
    }
    if (dbeta != NULL) {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dbeta[j] += dyr[j];
    }
    if (job->dx != NULL) {
      float *dxr = job->dx + r * cols;
      const float meanG = sumG / (float)cols, meanGH = sumGH / (float)cols;
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) {
        float h = (xr[j] - mu) * rs;
        float g = dyr[j] * (gamma ? gamma[j] : 1.0f);
        dxr[j] += rs * (g - meanG - h * meanGH);
      }
    }
  }
}

/* Runs a norm backward over rows with per-part scratch for the parameter gradients. */
static void norm_backward(NormJob *job, int64_t rows, range_fn fn) {
  const int64_t cols = job->cols;
  int parts = parts_for(rows, cols * 4);
  job->scratchGamma = job->dgamma ? partial_sums(parts, cols) : NULL;
  job->scratchBeta = job->dbeta ? partial_sums(parts, cols) : NULL;
  if ((job->dgamma && parts > 1 && !job->scratchGamma) || (job->dbeta && parts > 1 && !job->scratchBeta)) parts = 1;
  if (parts > 1) {
    RangeJob range = {fn, job, rows};
    run_parts(range_part, &range, parts);
  } else if (rows > 0) {
    fn(job, 0, rows, 0);
  }
  merge_partials(job->dgamma, job->scratchGamma, parts, cols);
  merge_partials(job->dbeta, job->scratchBeta, parts, cols);
  free(job->scratchGamma);
  free(job->scratchBeta);
}

/* layerNormBackward(dy, x, gamma|null, mean, rstd, dx|null, dgamma|null, dbeta|null, rows, cols) */
static napi_value LayerNormBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 10)) return NULL;
  size_t ldy, lx, lg, lm, lr, ldx, ldg, ldb;
  NormJob job = {0};
  job.dy = f32(&a, 0, &ldy);
  job.x = f32(&a, 1, &lx);
  job.gamma = f32_opt(&a, 2, &lg);
  job.mean = f32(&a, 3, &lm);
  job.rstd = f32(&a, 4, &lr);
  job.dx = f32_opt(&a, 5, &ldx);
  job.dgamma = f32_opt(&a, 6, &ldg);
  job.dbeta = f32_opt(&a, 7, &ldb);
  int64_t rows = int_arg(&a, 8), cols = int_arg(&a, 9);
  job.cols = cols;
  int64_t size = rows * cols;
  if (!need(&a, ldy, size, "layerNormBackward dy") || !need(&a, lx, size, "layerNormBackward x") ||
      !need(&a, lm, rows, "layerNormBackward mean") || !need(&a, lr, rows, "layerNormBackward rstd"))
    return NULL;
  if ((job.gamma && !need(&a, lg, cols, "layerNormBackward gamma")) ||
      (job.dx && !need(&a, ldx, size, "layerNormBackward dx")) ||
      (job.dgamma && !need(&a, ldg, cols, "layerNormBackward dgamma")) ||
      (job.dbeta && !need(&a, ldb, cols, "layerNormBackward dbeta")))
    return NULL;
  norm_backward(&job, rows, layer_norm_backward_range);
  return NULL;
}

static void rms_norm_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const NormJob *job = arg;
  const int64_t cols = job->cols;
  const float *gamma = job->gamma;
  for (int64_t r = begin; r < end; r++) {
    const float *xr = job->x + r * cols;
    float *yr = job->y + r * cols;
    float sq = 0.0f;
#pragma omp simd reduction(+ : sq)
    for (int64_t j = 0; j < cols; j++) sq += xr[j] * xr[j];
    float rs = 1.0f / sqrtf(sq / (float)cols + job->eps);
    job->rstd[r] = rs;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) yr[j] = xr[j] * rs * (gamma ? gamma[j] : 1.0f);
  }
}

/* rmsNorm(x, gamma|null, y, rstd, rows, cols, eps) */
static napi_value RmsNorm(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 7)) return NULL;
  size_t lx, lg, ly, lr;
  NormJob job = {0};
  job.x = f32(&a, 0, &lx);
  job.gamma = f32_opt(&a, 1, &lg);
  job.y = f32(&a, 2, &ly);
  job.rstd = f32(&a, 3, &lr);
  int64_t rows = int_arg(&a, 4), cols = int_arg(&a, 5);
  job.eps = (float)num_arg(&a, 6);
  job.cols = cols;
  if (!need(&a, lx, rows * cols, "rmsNorm x") || !need(&a, ly, rows * cols, "rmsNorm y") ||
      !need(&a, lr, rows, "rmsNorm rstd") || (job.gamma && !need(&a, lg, cols, "rmsNorm gamma")))
    return NULL;
  parallel_for(rows, cols * 2, rms_norm_range, &job);
  return NULL;
}

static void rms_norm_backward_range(void *arg, int64_t begin, int64_t end, int part) {
  const NormJob *job = arg;
  const int64_t cols = job->cols;
  const float *gamma = job->gamma;
  float *dgamma = partial_target(job->dgamma, job->scratchGamma, part, cols);
  for (int64_t r = begin; r < end; r++) {
    const float *dyr = job->dy + r * cols;
    const float *xr = job->x + r * cols;
    const float rs = job->rstd[r];
    float sumGX = 0.0f;
#pragma omp simd reduction(+ : sumGX)
    for (int64_t j = 0; j < cols; j++) sumGX += dyr[j] * (gamma ? gamma[j] : 1.0f) * xr[j];
    if (dgamma != NULL) {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dgamma[j] += dyr[j] * xr[j] * rs;
    }
    if (job->dx != NULL) {
      float *dxr = job->dx + r * cols;
      const float k = rs * rs * sumGX / (float)cols;
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dxr[j] += rs * (dyr[j] * (gamma ? gamma[j] : 1.0f) - xr[j] * k);
    }
  }
}

/* rmsNormBackward(dy, x, gamma|null, rstd, dx|null, dgamma|null, rows, cols) */
static napi_value RmsNormBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 8)) return NULL;
  size_t ldy, lx, lg, lr, ldx, ldg;
  NormJob job = {0};
  job.dy = f32(&a, 0, &ldy);
  job.x = f32(&a, 1, &lx);
  job.gamma = f32_opt(&a, 2, &lg);
  job.rstd = f32(&a, 3, &lr);
  job.dx = f32_opt(&a, 4, &ldx);
  job.dgamma = f32_opt(&a, 5, &ldg);
  int64_t rows = int_arg(&a, 6), cols = int_arg(&a, 7);
  job.cols = cols;
  int64_t size = rows * cols;
  if (!need(&a, ldy, size, "rmsNormBackward dy") || !need(&a, lx, size, "rmsNormBackward x") ||
      !need(&a, lr, rows, "rmsNormBackward rstd") || (job.gamma && !need(&a, lg, cols, "rmsNormBackward gamma")) ||
      (job.dx && !need(&a, ldx, size, "rmsNormBackward dx")) ||
      (job.dgamma && !need(&a, ldg, cols, "rmsNormBackward dgamma")))
    return NULL;
  norm_backward(&job, rows, rms_norm_backward_range);
  return NULL;
}

/* ---------- softmax ---------- */

/* Softmax of one row into y (scale applied to x first); mask may be NULL. Returns 0 if fully masked. */
static inline int softmax_row(const float *x, float *y, int64_t cols, const uint8_t *mask, float scale, int log) {
  float mx = -INFINITY;
  for (int64_t j = 0; j < cols; j++) {
    if (mask && !mask[j]) continue;
    float v = x[j] * scale;
    mx = v > mx ? v : mx;
  }
  if (mx == -INFINITY) {
    for (int64_t j = 0; j < cols; j++) y[j] = log ? -INFINITY : 0.0f;
    return 0;
  }
  float sum = 0.0f;
  if (mask == NULL) {
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < cols; j++) {
      float e = fast_exp(x[j] * scale - mx);
      if (!log) y[j] = e;
      sum += e;
    }
  } else {
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < cols; j++) {
      float e = mask[j] ? fast_exp(x[j] * scale - mx) : 0.0f;
      if (!log) y[j] = e;
      sum += e;
    }
  }
  if (log) {
    float ls = logf(sum) + mx;
    for (int64_t j = 0; j < cols; j++) y[j] = (mask && !mask[j]) ? -INFINITY : x[j] * scale - ls;
  } else {
    float inv = 1.0f / sum;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) y[j] *= inv;
  }
  return 1;
}

typedef struct {
  const float *x, *dy, *yin;
  float *y, *dx;
  const uint8_t *mask;
  int64_t cols, maskRows, heads, tq, tk, causal;
  float scale;
  int log;
} SoftmaxJob;

static void softmax_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const SoftmaxJob *job = arg;
  const int64_t cols = job->cols;
  for (int64_t r = begin; r < end; r++) {
    softmax_row(job->x + r * cols, job->y + r * cols, cols, job->mask ? job->mask + (r % job->maskRows) * cols : NULL,
                1.0f, job->log);
  }
}

/* softmax(x, y, rows, cols, mask|null, maskRows, log) */
static napi_value Softmax(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 7)) return NULL;
  size_t lx, ly, lm;
  SoftmaxJob job = {0};
  job.x = f32(&a, 0, &lx);
  job.y = f32(&a, 1, &ly);
  int64_t rows = int_arg(&a, 2), cols = int_arg(&a, 3);
  job.mask = u8_opt(&a, 4, &lm);
  job.maskRows = int_arg(&a, 5);
  job.log = bool_arg(&a, 6);
  job.cols = cols;
  if (!need(&a, lx, rows * cols, "softmax x") || !need(&a, ly, rows * cols, "softmax y")) return NULL;
  if (job.mask != NULL && (job.maskRows < 1 || !need(&a, lm, job.maskRows * cols, "softmax mask"))) {
    fail(&a, "softmax: bad mask");
    return NULL;
  }
  parallel_for(rows, cols * 4, softmax_range, &job);
  return NULL;
}

static void softmax_backward_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const SoftmaxJob *job = arg;
  const int64_t cols = job->cols;
  for (int64_t r = begin; r < end; r++) {
    const float *dyr = job->dy + r * cols;
    const float *yr = job->yin + r * cols;
    float *dxr = job->dx + r * cols;
    float sum = 0.0f;
    if (job->log) {
      for (int64_t j = 0; j < cols; j++)
        if (yr[j] != -INFINITY) sum += dyr[j];
      for (int64_t j = 0; j < cols; j++)
        if (yr[j] != -INFINITY) dxr[j] += dyr[j] - fast_exp(yr[j]) * sum;
    } else {
#pragma omp simd reduction(+ : sum)
      for (int64_t j = 0; j < cols; j++) sum += dyr[j] * yr[j];
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dxr[j] += yr[j] * (dyr[j] - sum);
    }
  }
}

/* softmaxBackward(dy, y, dx, rows, cols, log) */
static napi_value SoftmaxBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 6)) return NULL;
  size_t ldy, ly, ldx;
  SoftmaxJob job = {0};
  job.dy = f32(&a, 0, &ldy);
  job.yin = f32(&a, 1, &ly);
  job.dx = f32(&a, 2, &ldx);
  int64_t rows = int_arg(&a, 3), cols = int_arg(&a, 4);
  job.log = bool_arg(&a, 5);
  job.cols = cols;
  int64_t size = rows * cols;
  if (!need(&a, ldy, size, "softmaxBackward dy") || !need(&a, ly, size, "softmaxBackward y") ||
      !need(&a, ldx, size, "softmaxBackward dx"))
    return NULL;
  parallel_for(rows, cols * 2, softmax_backward_range, &job);
  return NULL;
}

static void attention_softmax_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const SoftmaxJob *job = arg;
  const int64_t tq = job->tq, tk = job->tk;
  for (int64_t r = begin; r < end; r++) {
    const int64_t b = r / (job->heads * tq), i = r % tq;
    float *row = job->y + r * tk;
    int64_t limit = job->causal < 0 ? tk : (i + job->causal + 1 < tk ? i + job->causal + 1 : tk);
    softmax_row(row, row, limit, job->mask ? job->mask + b * tk : NULL, job->scale, 0);
    for (int64_t j = limit; j < tk; j++) row[j] = 0.0f;
  }
}

/* attentionSoftmax(scores, batch, heads, tq, tk, scale, causalOffset, keyMask|null), in place */
static napi_value AttentionSoftmax(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 8)) return NULL;
  size_t ls, lm;
  SoftmaxJob job = {0};
  job.y = f32(&a, 0, &ls);
  int64_t batch = int_arg(&a, 1);
  job.heads = int_arg(&a, 2);
  job.tq = int_arg(&a, 3);
  job.tk = int_arg(&a, 4);
  job.scale = (float)num_arg(&a, 5);
  job.causal = int_arg(&a, 6);
  job.mask = u8_opt(&a, 7, &lm);
  if (!need(&a, ls, batch * job.heads * job.tq * job.tk, "attentionSoftmax scores")) return NULL;
  if (job.mask != NULL && !need(&a, lm, batch * job.tk, "attentionSoftmax keyMask")) return NULL;
  parallel_for(batch * job.heads * job.tq, job.tk * 4, attention_softmax_range, &job);
  return NULL;
}

/* ---------- cross-entropy ---------- */

typedef struct {
  const float *x, *lse_in;
  const int32_t *targets;
  float *losses, *lse, *dx;
  int64_t cols, ignore;
  float smoothing, scale;
  int bad; /* a target out of range was seen */
} CrossEntropyJob;

static void cross_entropy_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  CrossEntropyJob *job = arg;
  const int64_t cols = job->cols;
  for (int64_t r = begin; r < end; r++) {
    const int32_t t = job->targets[r];
    if (t == job->ignore) {
      job->losses[r] = 0.0f;
      job->lse[r] = 0.0f;
      continue;
    }
    if (t < 0 || t >= cols) {
      job->bad = 1;
      continue;
    }
    const float *xr = job->x + r * cols;
    float mx = -INFINITY;
    for (int64_t j = 0; j < cols; j++) mx = xr[j] > mx ? xr[j] : mx;
    float sum = 0.0f, total = 0.0f;
#pragma omp simd reduction(+ : sum, total)
    for (int64_t j = 0; j < cols; j++) {
      sum += fast_exp(xr[j] - mx);
      total += xr[j];
    }
    float l = logf(sum) + mx;
    job->lse[r] = l;
    job->losses[r] = l - (1.0f - job->smoothing) * xr[t] - (job->smoothing / (float)cols) * total;
  }
}

/* crossEntropy(logits, targets, rows, cols, smoothing, ignoreIndex, losses, lse) */
static napi_value CrossEntropy(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 8)) return NULL;
  size_t lx, lt, ll, le;
  CrossEntropyJob job = {0};
  job.x = f32(&a, 0, &lx);
  job.targets = i32(&a, 1, &lt);
  int64_t rows = int_arg(&a, 2), cols = int_arg(&a, 3);
  job.smoothing = (float)num_arg(&a, 4);
  job.ignore = int_arg(&a, 5);
  job.losses = f32(&a, 6, &ll);
  job.lse = f32(&a, 7, &le);
  job.cols = cols;
  if (!need(&a, lx, rows * cols, "crossEntropy logits") || !need(&a, lt, rows, "crossEntropy targets") ||
      !need(&a, ll, rows, "crossEntropy losses") || !need(&a, le, rows, "crossEntropy lse"))
    return NULL;
  parallel_for(rows, cols * 3, cross_entropy_range, &job);
  if (job.bad) fail(&a, "crossEntropy: target out of range");
  return NULL;
}

static void cross_entropy_backward_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  CrossEntropyJob *job = arg;
  const int64_t cols = job->cols;
  const float uniform = job->smoothing / (float)cols, scale = job->scale;
  for (int64_t r = begin; r < end; r++) {
    const int32_t t = job->targets[r];
    if (t == job->ignore) continue;
    if (t < 0 || t >= cols) {
      job->bad = 1;
      continue;
    }
    const float *xr = job->x + r * cols;
    float *dr = job->dx + r * cols;
    const float l = job->lse_in[r];
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) dr[j] += scale * (fast_exp(xr[j] - l) - uniform);
    dr[t] -= scale * (1.0f - job->smoothing);
  }
}

/* crossEntropyBackward(logits, lse, targets, rows, cols, smoothing, ignoreIndex, scale, dlogits) */
static napi_value CrossEntropyBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 9)) return NULL;
  size_t lx, le, lt, ld;
  CrossEntropyJob job = {0};
  job.x = f32(&a, 0, &lx);
  job.lse_in = f32(&a, 1, &le);
  job.targets = i32(&a, 2, &lt);
  int64_t rows = int_arg(&a, 3), cols = int_arg(&a, 4);
  job.smoothing = (float)num_arg(&a, 5);
  job.ignore = int_arg(&a, 6);
  job.scale = (float)num_arg(&a, 7);
  job.dx = f32(&a, 8, &ld);
  job.cols = cols;
  if (!need(&a, lx, rows * cols, "crossEntropyBackward logits") || !need(&a, le, rows, "crossEntropyBackward lse") ||
      !need(&a, lt, rows, "crossEntropyBackward targets") || !need(&a, ld, rows * cols, "crossEntropyBackward dlogits"))
    return NULL;
  parallel_for(rows, cols * 2, cross_entropy_backward_range, &job);
  if (job.bad) fail(&a, "crossEntropyBackward: target out of range");
  return NULL;
}

/* ---------- optimizer ---------- */

typedef struct {
  float *p, *m, *v;
  const float *g;
  float lr, beta1, beta2, eps, decay, step, inv_bc2;
} AdamJob;

static void adamw_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const AdamJob *job = arg;
  float *restrict p = job->p, *restrict m = job->m, *restrict v = job->v;
  const float *restrict g = job->g;
  const float beta1 = job->beta1, beta2 = job->beta2, decay = job->decay, step = job->step;
  const float inv_bc2 = job->inv_bc2, eps = job->eps;
#pragma omp simd
  for (int64_t i = begin; i < end; i++) {
    float gi = g[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - step * mi / (sqrtf(vi * inv_bc2) + eps);
  }
}

/* adamw(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2) */
static napi_value AdamW(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 11)) return NULL;
  size_t lp, lg, lm, lv;
  AdamJob job;
  job.p = f32(&a, 0, &lp);
  job.g = f32(&a, 1, &lg);
  job.m = f32(&a, 2, &lm);
  job.v = f32(&a, 3, &lv);
  float lr = (float)num_arg(&a, 4);
  job.beta1 = (float)num_arg(&a, 5);
  job.beta2 = (float)num_arg(&a, 6);
  job.eps = (float)num_arg(&a, 7);
  float wd = (float)num_arg(&a, 8);
  float bc1 = (float)num_arg(&a, 9), bc2 = (float)num_arg(&a, 10);
  if (!need(&a, lg, (int64_t)lp, "adamw grad") || !need(&a, lm, (int64_t)lp, "adamw m") ||
      !need(&a, lv, (int64_t)lp, "adamw v"))
    return NULL;
  job.lr = lr;
  job.decay = 1.0f - lr * wd;
  job.step = lr / bc1;
  job.inv_bc2 = 1.0f / bc2;
  parallel_for((int64_t)lp, 8, adamw_range, &job);
  return NULL;
}

/* ---------- embedding ---------- */

typedef struct {
  const float *src;
  float *dst;
  const int32_t *ids;
  int64_t count, dim;
} EmbeddingJob;

static void gather_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const EmbeddingJob *job = arg;
  for (int64_t i = begin; i < end; i++)
    memcpy(job->dst + i * job->dim, job->src + (int64_t)job->ids[i] * job->dim, sizeof(float) * (size_t)job->dim);
}

/* gather(weight, ids, out, dim) */
static napi_value Gather(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 4)) return NULL;
  size_t lw, li, lo;
  EmbeddingJob job;
  job.src = f32(&a, 0, &lw);
  job.ids = i32(&a, 1, &li);
  job.dst = f32(&a, 2, &lo);
  job.dim = int_arg(&a, 3);
  job.count = (int64_t)li;
  if (!need(&a, lo, job.count * job.dim, "gather out")) return NULL;
  const int64_t vocab = job.dim > 0 ? (int64_t)lw / job.dim : 0;
  for (size_t i = 0; i < li; i++) {
    if (job.ids[i] < 0 || job.ids[i] >= vocab) {
      fail(&a, "gather: id out of range");
      return NULL;
    }
  }
  parallel_for(job.count, job.dim, gather_range, &job);
  return NULL;
}

/* Columns begin..end of every row: threads never write the same element, even for repeated ids. */
static void scatter_add_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const EmbeddingJob *job = arg;
  for (int64_t i = 0; i < job->count; i++) {
    float *dst = job->dst + (int64_t)job->ids[i] * job->dim;
    const float *src = job->src + i * job->dim;
#pragma omp simd
    for (int64_t j = begin; j < end; j++) dst[j] += src[j];
  }
}

/* scatterAdd(dy, ids, dweight, dim) */
static napi_value ScatterAdd(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 4)) return NULL;
  size_t ld, li, lw;
  EmbeddingJob job;
  job.src = f32(&a, 0, &ld);
  job.ids = i32(&a, 1, &li);
  job.dst = f32(&a, 2, &lw);
  job.dim = int_arg(&a, 3);
  job.count = (int64_t)li;
  if (!need(&a, ld, job.count * job.dim, "scatterAdd dy")) return NULL;
  const int64_t vocab = job.dim > 0 ? (int64_t)lw / job.dim : 0;
  for (size_t i = 0; i < li; i++) {
    if (job.ids[i] < 0 || job.ids[i] >= vocab) {
      fail(&a, "scatterAdd: id out of range");
      return NULL;
    }
  }
  parallel_for(job.dim, job.count, scatter_add_range, &job);
  return NULL;
}

/* ---------- broadcasting binary ops ---------- */

typedef struct {
  const float *a, *b;
  float *out;
  int64_t period;
  int op;
} BinaryJob;

#define BINARY_LOOP(EXPR)                                                                                          \
  _Pragma("omp simd") for (int64_t j = 0; j < len; j++) {                                                          \
    const float x = a[j], y = b[j];                                                                                \
    o[j] = (EXPR);                                                                                                 \
  }

static void binary_span(int op, const float *restrict a, const float *restrict b, float *restrict o, int64_t len) {
  switch (op) {
    case 0:
      BINARY_LOOP(x + y) break;
    case 1:
      BINARY_LOOP(x - y) break;
    case 2:
      BINARY_LOOP(x * y) break;
    default:
      BINARY_LOOP(x / y) break;
  }
}

/* Same shape (period = n): ranges of elements. */
static void binary_flat_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const BinaryJob *job = arg;
  binary_span(job->op, job->a + begin, job->b + begin, job->out + begin, end - begin);
}

/* Broadcast b over rows of `period` elements. */
static void binary_rows_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const BinaryJob *job = arg;
  const int64_t p = job->period;
  for (int64_t r = begin; r < end; r++) binary_span(job->op, job->a + r * p, job->b, job->out + r * p, p);
}

static void binary_scalar_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const BinaryJob *job = arg;
  const float y = job->b[0];
  const float *a = job->a;
  float *o = job->out;
  for (int64_t i = begin; i < end; i++) {
    const float x = a[i];
    o[i] = job->op == 0 ? x + y : job->op == 1 ? x - y : job->op == 2 ? x * y : x / y;
  }
}

/* binary(op, a, b, out, period): out[i] = a[i] op b[i % period] */
static napi_value Binary(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 5)) return NULL;
  size_t la, lb, lo;
  BinaryJob job;
  job.op = (int)int_arg(&a, 0);
  job.a = f32(&a, 1, &la);
  job.b = f32(&a, 2, &lb);
  job.out = f32(&a, 3, &lo);
  job.period = int_arg(&a, 4);
  if (a.failed) return NULL;
  const int64_t n = (int64_t)lo;
  if (job.period < 1 || n % job.period != 0) {
    fail(&a, "binary: period must divide the output length");
    return NULL;
  }
  if (!need(&a, la, n, "binary a") || !need(&a, lb, job.period, "binary b")) return NULL;
  if (job.period == n) parallel_for(n, 1, binary_flat_range, &job);
  else if (job.period == 1) parallel_for(n, 1, binary_scalar_range, &job);
  else parallel_for(n / job.period, job.period, binary_rows_range, &job);
  return NULL;
}

/* ---------- reductions over one axis ---------- */

typedef struct {
  const float *src;
  float *dst;
  int64_t length, inner;
  float scale;
} AxisJob;

/* out[o, :] = scale * sum_l x[o, l, :] for o in [begin, end) */
static void sum_axis_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const AxisJob *job = arg;
  const int64_t length = job->length, inner = job->inner;
  for (int64_t o = begin; o < end; o++) {
    float *restrict out = job->dst + o * inner;
    if (inner == 1) {
      /* A full reduction (e.g. a loss sum): accumulate in double. */
      double sum = 0.0;
      const float *restrict row = job->src + o * length;
#pragma omp simd reduction(+ : sum)
      for (int64_t l = 0; l < length; l++) sum += row[l];
      out[0] = (float)(sum * job->scale);
      continue;
    }
    memset(out, 0, sizeof(float) * (size_t)inner);
    for (int64_t l = 0; l < length; l++) {
      const float *restrict row = job->src + (o * length + l) * inner;
#pragma omp simd
      for (int64_t i = 0; i < inner; i++) out[i] += row[i];
    }
#pragma omp simd
    for (int64_t i = 0; i < inner; i++) out[i] *= job->scale;
  }
}

/* dx[o, l, :] += scale * dy[o, :] */
static void sum_axis_backward_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const AxisJob *job = arg;
  const int64_t length = job->length, inner = job->inner;
  const float scale = job->scale;
  for (int64_t o = begin; o < end; o++) {
    const float *restrict g = job->src + o * inner;
    for (int64_t l = 0; l < length; l++) {
      float *restrict row = job->dst + (o * length + l) * inner;
#pragma omp simd
      for (int64_t i = 0; i < inner; i++) row[i] += scale * g[i];
    }
  }
}

/* sumAxis(x, out, outer, length, inner, scale) and sumAxisBackward(dy, dx, outer, length, inner, scale) */
static napi_value axis_call(napi_env env, napi_callback_info info, int backward) {
  Args a;
  if (!read_args(env, info, &a, 6)) return NULL;
  size_t ls, ld;
  AxisJob job;
  job.src = f32(&a, 0, &ls);
  job.dst = f32(&a, 1, &ld);
  int64_t outer = int_arg(&a, 2);
  job.length = int_arg(&a, 3);
  job.inner = int_arg(&a, 4);
  job.scale = (float)num_arg(&a, 5);
  const int64_t big = outer * job.length * job.inner, small = outer * job.inner;
  if (!need(&a, ls, backward ? small : big, "sumAxis input") || !need(&a, ld, backward ? big : small, "sumAxis output"))
    return NULL;
  parallel_for(outer, job.length * job.inner, backward ? sum_axis_backward_range : sum_axis_range, &job);
  return NULL;
}

static napi_value SumAxis(napi_env env, napi_callback_info info) { return axis_call(env, info, 0); }
static napi_value SumAxisBackward(napi_env env, napi_callback_info info) { return axis_call(env, info, 1); }

/* ---------- small vector ops ---------- */

typedef struct {
  const float *x;
  float *y;
  float alpha;
  double partial[MAX_THREADS];
} VectorJob;

static void sum_squares_range(void *arg, int64_t begin, int64_t end, int part) {
  VectorJob *job = arg;
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = begin; i < end; i++) sum += (double)job->x[i] * (double)job->x[i];
  job->partial[part] = sum;
}

static napi_value SumSquares(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 1)) return NULL;
  size_t n;
  VectorJob job = {0};
  job.x = f32(&a, 0, &n);
  if (a.failed) return NULL;
  int parts = parallel_for((int64_t)n, 1, sum_squares_range, &job);
  double sum = 0.0;
  for (int p = 0; p < parts; p++) sum += job.partial[p];
  napi_value result;
  napi_create_double(env, sum, &result);
  return result;
}

static void axpy_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const VectorJob *job = arg;
  const float alpha = job->alpha;
  const float *restrict x = job->x;
  float *restrict y = job->y;
#pragma omp simd
  for (int64_t i = begin; i < end; i++) y[i] += alpha * x[i];
}

/* axpy(alpha, x, y): y += alpha x */
static napi_value Axpy(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 3)) return NULL;
  size_t lx, ly;
  VectorJob job = {0};
  job.alpha = (float)num_arg(&a, 0);
  job.x = f32(&a, 1, &lx);
  job.y = f32(&a, 2, &ly);
  if (!need(&a, ly, (int64_t)lx, "axpy y")) return NULL;
  parallel_for((int64_t)lx, 1, axpy_range, &job);
  return NULL;
}

static void scale_range(void *arg, int64_t begin, int64_t end, int part) {
  (void)part;
  const VectorJob *job = arg;
  const float alpha = job->alpha;
  float *y = job->y;
#pragma omp simd
  for (int64_t i = begin; i < end; i++) y[i] *= alpha;
}

/* scale(x, alpha): x *= alpha */
static napi_value Scale(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 2)) return NULL;
  size_t n;
  VectorJob job = {0};
  job.y = f32(&a, 0, &n);
  job.alpha = (float)num_arg(&a, 1);
  if (a.failed) return NULL;
  parallel_for((int64_t)n, 1, scale_range, &job);
  return NULL;
}

/* ---------- dropout ---------- */

static inline uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

/*
 * dropout(x, out, mask, p, keep, state): mask[i] = (u_i / 2^32 < p) ? 0 : keep,
 * out[i] = x[i] * mask[i], where u_i is the next output of the xoshiro128**
 * generator whose four words are `state` (an Int32Array, read and advanced in
 * place). The same draws, comparisons and roundings as core/random.ts and the
 * TypeScript kernel, so both backends and Random.next() replay one stream. One
 * thread: the stream is sequential.
 */
static napi_value Dropout(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 6)) return NULL;
  size_t lx, lo, lm, ls;
  const float *x = f32(&a, 0, &lx);
  float *out = f32(&a, 1, &lo);
  float *mask = f32(&a, 2, &lm);
  const double p = num_arg(&a, 3);
  const double keep = num_arg(&a, 4);
  int32_t *state = i32(&a, 5, &ls);
  if (a.failed) return NULL;
  if (!need(&a, lo, (int64_t)lx, "dropout out") || !need(&a, lm, (int64_t)lx, "dropout mask") ||
      !need(&a, ls, 4, "dropout state"))
    return NULL;
  uint32_t s0 = (uint32_t)state[0], s1 = (uint32_t)state[1], s2 = (uint32_t)state[2], s3 = (uint32_t)state[3];
  const float keep_f = (float)keep;
  for (size_t i = 0; i < lx; i++) {
    const uint32_t result = rotl32(s1 * 5u, 7) * 9u;
    const uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl32(s3, 11);
    if ((double)result / 4294967296.0 < p) {
      mask[i] = 0.0f;
      out[i] = (float)((double)x[i] * 0.0);
    } else {
      mask[i] = keep_f;
      out[i] = (float)((double)x[i] * keep);
    }
  }
  state[0] = (int32_t)s0;
  state[1] = (int32_t)s1;
  state[2] = (int32_t)s2;
  state[3] = (int32_t)s3;
  return NULL;
}

/* ---------- threads and info ---------- */

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 1)) return NULL;
  int64_t n = int_arg(&a, 0);
  if (a.failed) return NULL;
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
  thread_count = (int)n;
  return NULL;
}

static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, blas, threads;
  napi_create_object(env, &result);
#ifdef GENFEED_OPENBLAS
  napi_create_string_utf8(env, "openblas", NAPI_AUTO_LENGTH, &blas);
#else
  napi_create_string_utf8(env, "blocked", NAPI_AUTO_LENGTH, &blas);
#endif
  napi_create_int32(env, thread_count, &threads);
  napi_set_named_property(env, result, "blas", blas);
  napi_set_named_property(env, result, "threads", threads);
  return result;
}

#define EXPORT(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_default, NULL}

static napi_value Init(napi_env env, napi_value exports) {
#ifdef __GLIBC__
  /*
   * Training allocates the same large activation and gradient buffers every step.
   * By default glibc serves each with a fresh mmap and unmaps it on free, so every
   * step pays page faults over tens of MB (measured 4-12 ms per 26 MB buffer vs
   * 0.8 ms to re-zero a reused one). Serve them from the heap and keep freed
   * memory mapped instead. GENFEED_MALLOC_TUNING=0 leaves glibc's defaults.
   */
  const char *tuning = getenv("GENFEED_MALLOC_TUNING");
  if (tuning == NULL || strcmp(tuning, "0") != 0) {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  }
#endif
#ifdef GENFEED_OPENBLAS
  /* Parallelism comes from our pool (see the top of this file). */
  openblas_set_num_threads(1);
#endif
  napi_property_descriptor props[] = {
      EXPORT("info", Info),
      EXPORT("setThreads", SetThreads),
      EXPORT("sgemm", Sgemm),
      EXPORT("biasAct", BiasAct),
      EXPORT("biasActBackward", BiasActBackward),
      EXPORT("layerNorm", LayerNorm),
      EXPORT("layerNormBackward", LayerNormBackward),
      EXPORT("rmsNorm", RmsNorm),
      EXPORT("rmsNormBackward", RmsNormBackward),
      EXPORT("softmax", Softmax),
      EXPORT("softmaxBackward", SoftmaxBackward),
      EXPORT("attentionSoftmax", AttentionSoftmax),
      EXPORT("crossEntropy", CrossEntropy),
      EXPORT("crossEntropyBackward", CrossEntropyBackward),
      EXPORT("adamw", AdamW),
      EXPORT("gather", Gather),
      EXPORT("scatterAdd", ScatterAdd),
      EXPORT("sumSquares", SumSquares),
      EXPORT("binary", Binary),
      EXPORT("sumAxis", SumAxis),
      EXPORT("sumAxisBackward", SumAxisBackward),
      EXPORT("axpy", Axpy),
      EXPORT("scale", Scale),
      EXPORT("dropout", Dropout),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
