/*
 * genfeed's native kernels: one N-API addon (ABI-stable node_api.h) that the
 * TypeScript engine calls with Float32Array/Int32Array/Uint8Array arguments,
 * zero-copy. GEMM goes to OpenBLAS cblas_sgemm when the build found it
 * (GENFEED_OPENBLAS), else to the cache-blocked C GEMM below. The element-wise
 * kernels mirror src/tensor/backend/ts-kernels.ts argument for argument; the
 * `*Backward` ones accumulate (+=) into their gradient outputs.
 *
 * Every kernel checks the lengths of the arrays it touches against the sizes it
 * was given, so a wrong call throws a RangeError instead of corrupting memory.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
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

static inline float fast_tanh(float x) {
  float e = fast_exp(-2.0f * (x < 0 ? -x : x));
  float t = (1.0f - e) / (1.0f + e);
  return x < 0 ? -t : t;
}

static inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

#define GELU_S 0.7978845608028654f
#define GELU_C 0.044715f

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
          float *c0 = C + (size_t)(ic + i) * ldc + jc;
          float *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
          for (int p = 0; p < kc; p++) {
            const float a0 = ap[i * kc + p], a1 = ap[(i + 1) * kc + p];
            const float a2 = ap[(i + 2) * kc + p], a3 = ap[(i + 3) * kc + p];
            const float *b = bp + p * nc;
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
          float *c0 = C + (size_t)(ic + i) * ldc + jc;
          for (int p = 0; p < kc; p++) {
            const float a0 = ap[i * kc + p];
            const float *b = bp + p * nc;
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
  int transA = bool_arg(&a, 0), transB = bool_arg(&a, 1);
  int64_t m = int_arg(&a, 2), n = int_arg(&a, 3), k = int_arg(&a, 4);
  float alpha = (float)num_arg(&a, 5);
  size_t lenA, lenB, lenC;
  float *A = f32(&a, 6, &lenA);
  int64_t aOff = int_arg(&a, 7), lda = int_arg(&a, 8), aS0 = int_arg(&a, 9), aS1 = int_arg(&a, 10);
  float *B = f32(&a, 11, &lenB);
  int64_t bOff = int_arg(&a, 12), ldb = int_arg(&a, 13), bS0 = int_arg(&a, 14), bS1 = int_arg(&a, 15);
  float beta = (float)num_arg(&a, 16);
  float *C = f32(&a, 17, &lenC);
  int64_t cOff = int_arg(&a, 18), ldc = int_arg(&a, 19), cS0 = int_arg(&a, 20), cS1 = int_arg(&a, 21);
  int64_t b0 = int_arg(&a, 22), b1 = int_arg(&a, 23);
  if (a.failed) return NULL;
  if (m < 0 || n < 0 || k < 0 || b0 < 0 || b1 < 0 || aOff < 0 || bOff < 0 || cOff < 0) {
    fail(&a, "sgemm: negative size or offset");
    return NULL;
  }
  if (m == 0 || n == 0 || b0 == 0 || b1 == 0) return NULL;
  int64_t aRows = transA ? k : m, aCols = transA ? m : k;
  int64_t bRows = transB ? n : k, bCols = transB ? k : n;
  if (lda < (aCols > 1 ? aCols : 1) || ldb < (bCols > 1 ? bCols : 1) || ldc < n) {
    fail(&a, "sgemm: leading dimension smaller than the row length");
    return NULL;
  }
  if (k > 0) {
    if (!need(&a, lenA, last_index(aOff, aRows, aCols, lda, b0, aS0, b1, aS1), "sgemm A")) return NULL;
    if (!need(&a, lenB, last_index(bOff, bRows, bCols, ldb, b0, bS0, b1, bS1), "sgemm B")) return NULL;
  }
  if (!need(&a, lenC, last_index(cOff, m, n, ldc, b0, cS0, b1, cS1), "sgemm C")) return NULL;
  for (int64_t i0 = 0; i0 < b0; i0++) {
    for (int64_t i1 = 0; i1 < b1; i1++) {
      const float *pa = A + aOff + i0 * aS0 + i1 * aS1;
      const float *pb = B + bOff + i0 * bS0 + i1 * bS1;
      float *pc = C + cOff + i0 * cS0 + i1 * cS1;
      if (k == 0) {
        gemm_blocked(transA, transB, (int)m, (int)n, 0, alpha, pa, (int)lda, pb, (int)ldb, beta, pc, (int)ldc);
        continue;
      }
#ifdef GENFEED_OPENBLAS
      cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int)m,
                  (int)n, (int)k, alpha, pa, (int)lda, pb, (int)ldb, beta, pc, (int)ldc);
#else
      gemm_blocked(transA, transB, (int)m, (int)n, (int)k, alpha, pa, (int)lda, pb, (int)ldb, beta, pc, (int)ldc);
#endif
    }
  }
  return NULL;
}

/* ---------- bias + activation ---------- */

enum { ACT_NONE = 0, ACT_RELU = 1, ACT_GELU = 2, ACT_SILU = 3, ACT_SIGMOID = 4 };

/* biasAct(x, bias|null, out, rows, cols, act) */
static napi_value BiasAct(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 6)) return NULL;
  size_t lx, lb, lo;
  float *x = f32(&a, 0, &lx);
  float *bias = f32_opt(&a, 1, &lb);
  float *out = f32(&a, 2, &lo);
  int64_t rows = int_arg(&a, 3), cols = int_arg(&a, 4), act = int_arg(&a, 5);
  if (!need(&a, lx, rows * cols, "biasAct x") || !need(&a, lo, rows * cols, "biasAct out")) return NULL;
  if (bias != NULL && !need(&a, lb, cols, "biasAct bias")) return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = out + r * cols;
    switch (act) {
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
          float z = xr[j] + (bias ? bias[j] : 0.0f);
          yr[j] = 0.5f * z * (1.0f + fast_tanh(GELU_S * (z + GELU_C * z * z * z)));
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
  return NULL;
}

/* biasActBackward(dy, x, bias|null, out, dx|null, dbias|null, rows, cols, act) */
static napi_value BiasActBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 9)) return NULL;
  size_t ldy, lx, lb, lo, ldx, ldb;
  float *dy = f32(&a, 0, &ldy);
  float *x = f32(&a, 1, &lx);
  float *bias = f32_opt(&a, 2, &lb);
  float *out = f32(&a, 3, &lo);
  float *dx = f32_opt(&a, 4, &ldx);
  float *dbias = f32_opt(&a, 5, &ldb);
  int64_t rows = int_arg(&a, 6), cols = int_arg(&a, 7), act = int_arg(&a, 8);
  int64_t size = rows * cols;
  if (!need(&a, ldy, size, "biasActBackward dy")) return NULL;
  if ((act == ACT_GELU || act == ACT_SILU) && !need(&a, lx, size, "biasActBackward x")) return NULL;
  if ((act == ACT_RELU || act == ACT_SIGMOID) && !need(&a, lo, size, "biasActBackward out")) return NULL;
  if (bias != NULL && !need(&a, lb, cols, "biasActBackward bias")) return NULL;
  if (dx != NULL && !need(&a, ldx, size, "biasActBackward dx")) return NULL;
  if (dbias != NULL && !need(&a, ldb, cols, "biasActBackward dbias")) return NULL;
  float *g = malloc(sizeof(float) * (size_t)(cols > 0 ? cols : 1));
  if (g == NULL) return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *dyr = dy + r * cols;
    switch (act) {
      case ACT_RELU: {
        const float *yr = out + r * cols;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) g[j] = yr[j] > 0.0f ? dyr[j] : 0.0f;
        break;
      }
      case ACT_GELU: {
        const float *xr = x + r * cols;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) {
          float z = xr[j] + (bias ? bias[j] : 0.0f);
          float t = fast_tanh(GELU_S * (z + GELU_C * z * z * z));
          g[j] = dyr[j] * (0.5f * (1.0f + t) + 0.5f * z * (1.0f - t * t) * GELU_S * (1.0f + 3.0f * GELU_C * z * z));
        }
        break;
      }
      case ACT_SILU: {
        const float *xr = x + r * cols;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) {
          float z = xr[j] + (bias ? bias[j] : 0.0f);
          float s = fast_sigmoid(z);
          g[j] = dyr[j] * s * (1.0f + z * (1.0f - s));
        }
        break;
      }
      case ACT_SIGMOID: {
        const float *yr = out + r * cols;
#pragma omp simd
        for (int64_t j = 0; j < cols; j++) g[j] = dyr[j] * yr[j] * (1.0f - yr[j]);
        break;
      }
      default:
        memcpy(g, dyr, sizeof(float) * (size_t)cols);
    }
    if (dx != NULL) {
      float *dxr = dx + r * cols;
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dxr[j] += g[j];
    }
    if (dbias != NULL) {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dbias[j] += g[j];
    }
  }
  free(g);
  return NULL;
}

/* ---------- LayerNorm / RMSNorm ---------- */

/* layerNorm(x, gamma|null, beta|null, y, mean, rstd, rows, cols, eps) */
static napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 9)) return NULL;
  size_t lx, lg, lb, ly, lm, lr;
  float *x = f32(&a, 0, &lx);
  float *gamma = f32_opt(&a, 1, &lg);
  float *beta = f32_opt(&a, 2, &lb);
  float *y = f32(&a, 3, &ly);
  float *mean = f32(&a, 4, &lm);
  float *rstd = f32(&a, 5, &lr);
  int64_t rows = int_arg(&a, 6), cols = int_arg(&a, 7);
  float eps = (float)num_arg(&a, 8);
  if (!need(&a, lx, rows * cols, "layerNorm x") || !need(&a, ly, rows * cols, "layerNorm y") ||
      !need(&a, lm, rows, "layerNorm mean") || !need(&a, lr, rows, "layerNorm rstd"))
    return NULL;
  if ((gamma && !need(&a, lg, cols, "layerNorm gamma")) || (beta && !need(&a, lb, cols, "layerNorm beta"))) return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
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
    float rs = 1.0f / sqrtf(sq / (float)cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] - mu) * rs * (gamma ? gamma[j] : 1.0f) + (beta ? beta[j] : 0.0f);
  }
  return NULL;
}

/* layerNormBackward(dy, x, gamma|null, mean, rstd, dx|null, dgamma|null, dbeta|null, rows, cols) */
static napi_value LayerNormBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 10)) return NULL;
  size_t ldy, lx, lg, lm, lr, ldx, ldg, ldb;
  float *dy = f32(&a, 0, &ldy);
  float *x = f32(&a, 1, &lx);
  float *gamma = f32_opt(&a, 2, &lg);
  float *mean = f32(&a, 3, &lm);
  float *rstd = f32(&a, 4, &lr);
  float *dx = f32_opt(&a, 5, &ldx);
  float *dgamma = f32_opt(&a, 6, &ldg);
  float *dbeta = f32_opt(&a, 7, &ldb);
  int64_t rows = int_arg(&a, 8), cols = int_arg(&a, 9);
  int64_t size = rows * cols;
  if (!need(&a, ldy, size, "layerNormBackward dy") || !need(&a, lx, size, "layerNormBackward x") ||
      !need(&a, lm, rows, "layerNormBackward mean") || !need(&a, lr, rows, "layerNormBackward rstd"))
    return NULL;
  if ((gamma && !need(&a, lg, cols, "layerNormBackward gamma")) || (dx && !need(&a, ldx, size, "layerNormBackward dx")) ||
      (dgamma && !need(&a, ldg, cols, "layerNormBackward dgamma")) ||
      (dbeta && !need(&a, ldb, cols, "layerNormBackward dbeta")))
    return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *dyr = dy + r * cols;
    const float *xr = x + r * cols;
    const float mu = mean[r], rs = rstd[r];
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
    if (dx != NULL) {
      float *dxr = dx + r * cols;
      const float meanG = sumG / (float)cols, meanGH = sumGH / (float)cols;
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) {
        float h = (xr[j] - mu) * rs;
        float g = dyr[j] * (gamma ? gamma[j] : 1.0f);
        dxr[j] += rs * (g - meanG - h * meanGH);
      }
    }
  }
  return NULL;
}

/* rmsNorm(x, gamma|null, y, rstd, rows, cols, eps) */
static napi_value RmsNorm(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 7)) return NULL;
  size_t lx, lg, ly, lr;
  float *x = f32(&a, 0, &lx);
  float *gamma = f32_opt(&a, 1, &lg);
  float *y = f32(&a, 2, &ly);
  float *rstd = f32(&a, 3, &lr);
  int64_t rows = int_arg(&a, 4), cols = int_arg(&a, 5);
  float eps = (float)num_arg(&a, 6);
  if (!need(&a, lx, rows * cols, "rmsNorm x") || !need(&a, ly, rows * cols, "rmsNorm y") ||
      !need(&a, lr, rows, "rmsNorm rstd") || (gamma && !need(&a, lg, cols, "rmsNorm gamma")))
    return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    float sq = 0.0f;
#pragma omp simd reduction(+ : sq)
    for (int64_t j = 0; j < cols; j++) sq += xr[j] * xr[j];
    float rs = 1.0f / sqrtf(sq / (float)cols + eps);
    rstd[r] = rs;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) yr[j] = xr[j] * rs * (gamma ? gamma[j] : 1.0f);
  }
  return NULL;
}

/* rmsNormBackward(dy, x, gamma|null, rstd, dx|null, dgamma|null, rows, cols) */
static napi_value RmsNormBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 8)) return NULL;
  size_t ldy, lx, lg, lr, ldx, ldg;
  float *dy = f32(&a, 0, &ldy);
  float *x = f32(&a, 1, &lx);
  float *gamma = f32_opt(&a, 2, &lg);
  float *rstd = f32(&a, 3, &lr);
  float *dx = f32_opt(&a, 4, &ldx);
  float *dgamma = f32_opt(&a, 5, &ldg);
  int64_t rows = int_arg(&a, 6), cols = int_arg(&a, 7);
  int64_t size = rows * cols;
  if (!need(&a, ldy, size, "rmsNormBackward dy") || !need(&a, lx, size, "rmsNormBackward x") ||
      !need(&a, lr, rows, "rmsNormBackward rstd") || (gamma && !need(&a, lg, cols, "rmsNormBackward gamma")) ||
      (dx && !need(&a, ldx, size, "rmsNormBackward dx")) || (dgamma && !need(&a, ldg, cols, "rmsNormBackward dgamma")))
    return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *dyr = dy + r * cols;
    const float *xr = x + r * cols;
    const float rs = rstd[r];
    float sumGX = 0.0f;
#pragma omp simd reduction(+ : sumGX)
    for (int64_t j = 0; j < cols; j++) sumGX += dyr[j] * (gamma ? gamma[j] : 1.0f) * xr[j];
    if (dgamma != NULL) {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dgamma[j] += dyr[j] * xr[j] * rs;
    }
    if (dx != NULL) {
      float *dxr = dx + r * cols;
      const float k = rs * rs * sumGX / (float)cols;
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) dxr[j] += rs * (dyr[j] * (gamma ? gamma[j] : 1.0f) - xr[j] * k);
    }
  }
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

/* softmax(x, y, rows, cols, mask|null, maskRows, log) */
static napi_value Softmax(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 7)) return NULL;
  size_t lx, ly, lm;
  float *x = f32(&a, 0, &lx);
  float *y = f32(&a, 1, &ly);
  int64_t rows = int_arg(&a, 2), cols = int_arg(&a, 3);
  uint8_t *mask = u8_opt(&a, 4, &lm);
  int64_t maskRows = int_arg(&a, 5);
  int log = bool_arg(&a, 6);
  if (!need(&a, lx, rows * cols, "softmax x") || !need(&a, ly, rows * cols, "softmax y")) return NULL;
  if (mask != NULL && (maskRows < 1 || !need(&a, lm, maskRows * cols, "softmax mask"))) {
    fail(&a, "softmax: bad mask");
    return NULL;
  }
  for (int64_t r = 0; r < rows; r++) {
    softmax_row(x + r * cols, y + r * cols, cols, mask ? mask + (r % maskRows) * cols : NULL, 1.0f, log);
  }
  return NULL;
}

/* softmaxBackward(dy, y, dx, rows, cols, log) */
static napi_value SoftmaxBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 6)) return NULL;
  size_t ldy, ly, ldx;
  float *dy = f32(&a, 0, &ldy);
  float *y = f32(&a, 1, &ly);
  float *dx = f32(&a, 2, &ldx);
  int64_t rows = int_arg(&a, 3), cols = int_arg(&a, 4);
  int log = bool_arg(&a, 5);
  int64_t size = rows * cols;
  if (!need(&a, ldy, size, "softmaxBackward dy") || !need(&a, ly, size, "softmaxBackward y") ||
      !need(&a, ldx, size, "softmaxBackward dx"))
    return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const float *dyr = dy + r * cols;
    const float *yr = y + r * cols;
    float *dxr = dx + r * cols;
    float sum = 0.0f;
    if (log) {
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
  return NULL;
}

/* attentionSoftmax(scores, batch, heads, tq, tk, scale, causalOffset, keyMask|null), in place */
static napi_value AttentionSoftmax(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 8)) return NULL;
  size_t ls, lm;
  float *s = f32(&a, 0, &ls);
  int64_t batch = int_arg(&a, 1), heads = int_arg(&a, 2), tq = int_arg(&a, 3), tk = int_arg(&a, 4);
  float scale = (float)num_arg(&a, 5);
  int64_t causal = int_arg(&a, 6);
  uint8_t *keyMask = u8_opt(&a, 7, &lm);
  if (!need(&a, ls, batch * heads * tq * tk, "attentionSoftmax scores")) return NULL;
  if (keyMask != NULL && !need(&a, lm, batch * tk, "attentionSoftmax keyMask")) return NULL;
  for (int64_t b = 0; b < batch; b++) {
    const uint8_t *mask = keyMask ? keyMask + b * tk : NULL;
    for (int64_t h = 0; h < heads; h++) {
      for (int64_t i = 0; i < tq; i++) {
        float *row = s + ((b * heads + h) * tq + i) * tk;
        int64_t limit = causal < 0 ? tk : (i + causal + 1 < tk ? i + causal + 1 : tk);
        softmax_row(row, row, limit, mask, scale, 0);
        for (int64_t j = limit; j < tk; j++) row[j] = 0.0f;
      }
    }
  }
  return NULL;
}

/* ---------- cross-entropy ---------- */

/* crossEntropy(logits, targets, rows, cols, smoothing, ignoreIndex, losses, lse) */
static napi_value CrossEntropy(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 8)) return NULL;
  size_t lx, lt, ll, le;
  float *x = f32(&a, 0, &lx);
  int32_t *targets = i32(&a, 1, &lt);
  int64_t rows = int_arg(&a, 2), cols = int_arg(&a, 3);
  float smoothing = (float)num_arg(&a, 4);
  int64_t ignore = int_arg(&a, 5);
  float *losses = f32(&a, 6, &ll);
  float *lse = f32(&a, 7, &le);
  if (!need(&a, lx, rows * cols, "crossEntropy logits") || !need(&a, lt, rows, "crossEntropy targets") ||
      !need(&a, ll, rows, "crossEntropy losses") || !need(&a, le, rows, "crossEntropy lse"))
    return NULL;
  for (int64_t r = 0; r < rows; r++) {
    const int32_t t = targets[r];
    if (t == ignore) {
      losses[r] = 0.0f;
      lse[r] = 0.0f;
      continue;
    }
    if (t < 0 || t >= cols) {
      fail(&a, "crossEntropy: target out of range");
      return NULL;
    }
    const float *xr = x + r * cols;
    float mx = -INFINITY;
    for (int64_t j = 0; j < cols; j++) mx = xr[j] > mx ? xr[j] : mx;
    float sum = 0.0f, total = 0.0f;
#pragma omp simd reduction(+ : sum, total)
    for (int64_t j = 0; j < cols; j++) {
      sum += fast_exp(xr[j] - mx);
      total += xr[j];
    }
    float l = logf(sum) + mx;
    lse[r] = l;
    losses[r] = l - (1.0f - smoothing) * xr[t] - (smoothing / (float)cols) * total;
  }
  return NULL;
}

/* crossEntropyBackward(logits, lse, targets, rows, cols, smoothing, ignoreIndex, scale, dlogits) */
static napi_value CrossEntropyBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 9)) return NULL;
  size_t lx, le, lt, ld;
  float *x = f32(&a, 0, &lx);
  float *lse = f32(&a, 1, &le);
  int32_t *targets = i32(&a, 2, &lt);
  int64_t rows = int_arg(&a, 3), cols = int_arg(&a, 4);
  float smoothing = (float)num_arg(&a, 5);
  int64_t ignore = int_arg(&a, 6);
  float scale = (float)num_arg(&a, 7);
  float *dx = f32(&a, 8, &ld);
  if (!need(&a, lx, rows * cols, "crossEntropyBackward logits") || !need(&a, le, rows, "crossEntropyBackward lse") ||
      !need(&a, lt, rows, "crossEntropyBackward targets") || !need(&a, ld, rows * cols, "crossEntropyBackward dlogits"))
    return NULL;
  const float uniform = smoothing / (float)cols;
  for (int64_t r = 0; r < rows; r++) {
    const int32_t t = targets[r];
    if (t == ignore) continue;
    if (t < 0 || t >= cols) {
      fail(&a, "crossEntropyBackward: target out of range");
      return NULL;
    }
    const float *xr = x + r * cols;
    float *dr = dx + r * cols;
    const float l = lse[r];
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) dr[j] += scale * (fast_exp(xr[j] - l) - uniform);
    dr[t] -= scale * (1.0f - smoothing);
  }
  return NULL;
}

/* ---------- optimizer ---------- */

/* adamw(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2) */
static napi_value AdamW(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 11)) return NULL;
  size_t lp, lg, lm, lv;
  float *p = f32(&a, 0, &lp);
  float *g = f32(&a, 1, &lg);
  float *m = f32(&a, 2, &lm);
  float *v = f32(&a, 3, &lv);
  float lr = (float)num_arg(&a, 4), beta1 = (float)num_arg(&a, 5), beta2 = (float)num_arg(&a, 6);
  float eps = (float)num_arg(&a, 7), wd = (float)num_arg(&a, 8);
  float bc1 = (float)num_arg(&a, 9), bc2 = (float)num_arg(&a, 10);
  if (!need(&a, lg, (int64_t)lp, "adamw grad") || !need(&a, lm, (int64_t)lp, "adamw m") ||
      !need(&a, lv, (int64_t)lp, "adamw v"))
    return NULL;
  const float decay = 1.0f - lr * wd, step = lr / bc1, inv_bc2 = 1.0f / bc2;
#pragma omp simd
  for (size_t i = 0; i < lp; i++) {
    float gi = g[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - step * mi / (sqrtf(vi * inv_bc2) + eps);
  }
  return NULL;
}

/* ---------- embedding ---------- */

/* gather(weight, ids, out, dim) */
static napi_value Gather(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 4)) return NULL;
  size_t lw, li, lo;
  float *w = f32(&a, 0, &lw);
  int32_t *ids = i32(&a, 1, &li);
  float *out = f32(&a, 2, &lo);
  int64_t dim = int_arg(&a, 3);
  if (!need(&a, lo, (int64_t)li * dim, "gather out")) return NULL;
  const int64_t vocab = dim > 0 ? (int64_t)lw / dim : 0;
  for (size_t i = 0; i < li; i++) {
    if (ids[i] < 0 || ids[i] >= vocab) {
      fail(&a, "gather: id out of range");
      return NULL;
    }
    memcpy(out + i * dim, w + (int64_t)ids[i] * dim, sizeof(float) * (size_t)dim);
  }
  return NULL;
}

/* scatterAdd(dy, ids, dweight, dim) */
static napi_value ScatterAdd(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 4)) return NULL;
  size_t ld, li, lw;
  float *dy = f32(&a, 0, &ld);
  int32_t *ids = i32(&a, 1, &li);
  float *dw = f32(&a, 2, &lw);
  int64_t dim = int_arg(&a, 3);
  if (!need(&a, ld, (int64_t)li * dim, "scatterAdd dy")) return NULL;
  const int64_t vocab = dim > 0 ? (int64_t)lw / dim : 0;
  for (size_t i = 0; i < li; i++) {
    if (ids[i] < 0 || ids[i] >= vocab) {
      fail(&a, "scatterAdd: id out of range");
      return NULL;
    }
    float *dst = dw + (int64_t)ids[i] * dim;
    const float *src = dy + i * dim;
#pragma omp simd
    for (int64_t j = 0; j < dim; j++) dst[j] += src[j];
  }
  return NULL;
}

/* ---------- small vector ops ---------- */

static napi_value SumSquares(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 1)) return NULL;
  size_t n;
  float *x = f32(&a, 0, &n);
  if (a.failed) return NULL;
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (size_t i = 0; i < n; i++) sum += (double)x[i] * (double)x[i];
  napi_value result;
  napi_create_double(env, sum, &result);
  return result;
}

/* axpy(alpha, x, y): y += alpha x */
static napi_value Axpy(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 3)) return NULL;
  size_t lx, ly;
  float alpha = (float)num_arg(&a, 0);
  float *x = f32(&a, 1, &lx);
  float *y = f32(&a, 2, &ly);
  if (!need(&a, ly, (int64_t)lx, "axpy y")) return NULL;
#pragma omp simd
  for (size_t i = 0; i < lx; i++) y[i] += alpha * x[i];
  return NULL;
}

/* scale(x, alpha): x *= alpha */
static napi_value Scale(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 2)) return NULL;
  size_t n;
  float *x = f32(&a, 0, &n);
  float alpha = (float)num_arg(&a, 1);
  if (a.failed) return NULL;
#pragma omp simd
  for (size_t i = 0; i < n; i++) x[i] *= alpha;
  return NULL;
}

/* ---------- threads and info ---------- */

static int thread_count = 1;

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a;
  if (!read_args(env, info, &a, 1)) return NULL;
  int64_t n = int_arg(&a, 0);
  if (a.failed) return NULL;
  if (n < 1) n = 1;
  thread_count = (int)n;
#ifdef GENFEED_OPENBLAS
  openblas_set_num_threads(thread_count);
#endif
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
      EXPORT("axpy", Axpy),
      EXPORT("scale", Scale),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
