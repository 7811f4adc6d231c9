// The tensor module's only public door: tensors, ops with autograd, optimizers,
// model blocks, checkpoints and the kernel backend switch.
export { Act, type Activation, type GemmCall, type Kernels } from './backend/kernels.js';
export {
  availableBackends,
  type BackendInfo,
  type BackendName,
  backendInfo,
  kernels,
  nativeUnavailableReason,
  setTensorLogger,
  setThreads,
  type UseBackendOptions,
  useBackend,
} from './backend/select.js';
export { loadParameters } from './checkpoint/load-parameters.js';
export {
  type DirectoryFormat,
  type DirectoryManifest,
  ManifestDirectory,
} from './checkpoint/manifest-directory.js';
export {
  type Checkpoint,
  type CheckpointMetadata,
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  type StoredTensor,
  saveCheckpoint,
} from './checkpoint/safetensors.js';
export { IntTensor, intTensor } from './int-tensor.js';
export { type AttentionCallOptions, CausalSelfAttention } from './nn/causal-self-attention.js';
export { Embedding } from './nn/embedding.js';
export { BeamKVCache, KVCache } from './nn/kv-cache.js';
export { LayerNorm } from './nn/layer-norm.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { Module } from './nn/module.js';
export { TransformerBlock, type TransformerBlockOptions } from './nn/transformer-block.js';
export { biasActivation, gelu, relu, sigmoid, silu } from './ops/activation.js';
export { type AttentionOptions, attention, selfAttention } from './ops/attention.js';
export { concat, split } from './ops/concat.js';
export { dropout } from './ops/dropout.js';
export { add, div, mul, sub } from './ops/elementwise.js';
export { embedding } from './ops/embedding.js';
export { linear } from './ops/linear.js';
export { binaryCrossEntropyWithLogits, type CrossEntropyOptions, crossEntropy } from './ops/loss.js';
export { type MatmulOptions, matmul } from './ops/matmul.js';
export { layerNorm, rmsNorm } from './ops/norm.js';
export { max, mean, type ReduceOptions, sum } from './ops/reduce.js';
export { logSoftmax, type SoftmaxOptions, softmax } from './ops/softmax.js';
export { reshape, slice, transpose } from './ops/view.js';
export { AdamW, type AdamWOptions } from './optim/adamw.js';
export { clipGradNorm } from './optim/clip.js';
export { type WarmupCosineOptions, warmupCosine } from './optim/schedule.js';
export { type OpProfileEntry, profileOps } from './profiler.js';
export { ScratchBuffer } from './scratch-buffer.js';
export { formatShape, type Shape, sizeOf } from './shape.js';
export { type BackwardOptions, backward, clearTape, isGradEnabled, noGrad, tapeLength } from './tape.js';
export {
  full,
  ones,
  parameter,
  randn,
  Tensor,
  type TensorOptions,
  tensor,
  tidy,
  uniform,
  zeros,
} from './tensor.js';
