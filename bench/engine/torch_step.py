#!/usr/bin/python3
"""PyTorch side of `npm run bench:engine`: the bench's workloads, timed as the
TypeScript side times them, in the same process layout (one model, fixed batches).

A bench tool, never a product dependency. Run with Debian's python3-torch:

    /usr/bin/python3 bench/engine/torch_step.py --threads 2 --data .../Beauty.txt

Workloads (--workloads, comma-separated; default all):
  mlp     ids [256, 50] -> embedding 769x128 -> 128->512 ReLU -> 512->128 -> mean
          over T -> 128->768 -> cross-entropy -> Adam (src/tensor/bench/workloads.ts)
  tfm     batch 64, length 50, 2 pre-LN causal blocks, d 128, 4 heads, FFN 512 GELU,
          last position -> 768-way cross-entropy -> Adam; also its batch-1 forward
  gemm    512^3 and [256, 4096] x [4096, 768] matrix products
  sasrec  one epoch of the SASRec recipe of the shared sasrec_ref.py on Amazon
          Beauty (d 64, 1 head, 2 layers, FFN d, dropout 0.2, maxlen 50, batch 256,
          full-softmax cross-entropy over all items, Adam betas 0.9/0.98), over
          fixed length-sorted batches that the TypeScript side builds the same way

Fixed-batch workloads: `warmup` untimed steps, then the median of `runs` timed
steps. sasrec: `--sasrec-warmup` untimed steps on the longest batches, then every
batch of the epoch timed once (mean and median per step, epoch seconds).

Prints progress to stderr and one line `RESULT {json}` on stdout.
"""
import argparse
import ctypes
import json
import math
import os
import statistics
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument('--threads', type=int, default=2)
parser.add_argument('--blas-threads', type=int, default=0, help="OpenBLAS's own threads (0 = --threads)")
parser.add_argument('--workloads', default='mlp,tfm,gemm,sasrec')
parser.add_argument('--warmup', type=int, default=3)
parser.add_argument('--runs', type=int, default=15)
parser.add_argument('--data', default='', help='Beauty.txt (user item item ...), for sasrec')
parser.add_argument('--sasrec-batch', type=int, default=256)
parser.add_argument('--sasrec-maxlen', type=int, default=50)
parser.add_argument('--sasrec-dim', type=int, default=64)
parser.add_argument('--sasrec-heads', type=int, default=1)
parser.add_argument('--sasrec-layers', type=int, default=2)
parser.add_argument('--sasrec-ffn', type=int, default=0, help='0 = dim, as sasrec_ref.py')
parser.add_argument('--sasrec-dropout', type=float, default=0.2)
parser.add_argument('--sasrec-warmup', type=int, default=3)
parser.add_argument('--sasrec-loss', choices=['fused', 'plain'], default='fused',
                    help='fused: one-pass softmax CE written here (sasrec_ref.py --fused 1 does the same math); '
                         'plain: F.cross_entropy on the logits')
args = parser.parse_args()

# OpenBLAS (Debian's torch calls it for matrix products) reads its thread count at load
# time; without this it takes every core whatever torch.set_num_threads says.
blas_threads = args.blas_threads or args.threads
os.environ.setdefault('OPENBLAS_NUM_THREADS', str(blas_threads))
os.environ.setdefault('OMP_NUM_THREADS', str(args.threads))
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402



def openblas_libraries():
    """The OpenBLAS copies loaded with torch (Debian: libblas.so.3 is OpenBLAS too)."""
    libraries = []
    for name in ('libblas.so.3', 'libopenblas.so.0'):
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        if hasattr(library, 'openblas_set_num_threads'):
            libraries.append(library)
    return libraries


OPENBLAS = openblas_libraries()


def set_threads(count, blas_count):
    """torch's intra-op threads and OpenBLAS's own pool (the matrix products)."""
    torch.set_num_threads(count)
    for library in OPENBLAS:
        library.openblas_set_num_threads(blas_count)


set_threads(args.threads, blas_threads)
torch.manual_seed(0)
workloads = [w for w in args.workloads.split(',') if w]


def log(message):
    print(message, file=sys.stderr, flush=True)


def median_ms(step, warmup, runs):
    for _ in range(warmup):
        step()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


# ---------------------------------------------------------------- mlp
class Mlp(nn.Module):
    def __init__(self, vocab, dim, hidden, classes):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, ids):  # ids [B, T]
        x = self.embed(ids)  # [B, T, d]
        h = self.fc2(F.relu(self.fc1(x)))  # [B, T, d]
        return self.head(h.mean(1))  # [B, classes]


def training_step(model, optimizer, loss_of):
    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of()
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


def run_mlp(result):
    batch, length, vocab, dim, hidden, classes = 256, 50, 769, 128, 512, 768
    model = Mlp(vocab, dim, hidden, classes)
    ids = torch.randint(0, vocab, (batch, length))
    targets = torch.randint(0, classes, (batch,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    step = training_step(model, optimizer, lambda: F.cross_entropy(model(ids), targets))
    result['mlpStepMs'] = median_ms(step, args.warmup, args.runs)
    log(f"mlp step {result['mlpStepMs']:.1f} ms")


# ---------------------------------------------------------------- tfm
class CausalAttention(nn.Module):
    """Packed q/k/v projection and explicit masked softmax, as genfeed's CausalSelfAttention."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask):  # x [B, T, C], mask [T, T] True = blocked
        batch, length, width = x.shape
        q, k, v = self.qkv(x).split(width, dim=2)  # 3 x [B, T, C]
        shape = (batch, length, self.heads, width // self.heads)
        q, k, v = (t.reshape(shape).transpose(1, 2) for t in (q, k, v))  # [B, H, T, C/H]
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(width // self.heads)  # [B, H, T, T]
        probs = scores.masked_fill(mask, float('-inf')).softmax(-1)  # [B, H, T, T]
        y = (probs @ v).transpose(1, 2).reshape(batch, length, width)  # [B, T, C]
        return self.proj(y)


class PreLnBlock(nn.Module):
    def __init__(self, dim, heads, ffn):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = CausalAttention(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, ffn)
        self.fc2 = nn.Linear(ffn, dim)

    def forward(self, x, mask):
        h = x + self.attn(self.ln1(x), mask)  # [B, T, C]
        return h + self.fc2(F.gelu(self.fc1(self.ln2(h)), approximate='tanh'))  # [B, T, C]


class TinyTransformer(nn.Module):
    def __init__(self, vocab, classes, dim, heads, layers, ffn, max_length):
        super().__init__()
        self.tokens = nn.Embedding(vocab, dim)
        self.positions = nn.Embedding(max_length, dim)
        self.blocks = nn.ModuleList([PreLnBlock(dim, heads, ffn) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, ids):  # ids [B, T] -> last-position logits [B, classes]
        length = ids.shape[1]
        x = self.tokens(ids) + self.positions(torch.arange(length))[None]  # [B, T, C]
        mask = torch.triu(torch.ones(length, length, dtype=torch.bool), 1)  # [T, T]
        for block in self.blocks:
            x = block(x, mask)
        return self.head(self.norm(x)[:, -1])  # [B, classes]


def run_tfm(result):
    batch, length, vocab, classes = 64, 50, 769, 768
    model = TinyTransformer(vocab, classes, dim=128, heads=4, layers=2, ffn=512, max_length=length)
    ids = torch.randint(0, vocab, (batch, length))
    targets = torch.randint(0, classes, (batch,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    step = training_step(model, optimizer, lambda: F.cross_entropy(model(ids), targets))
    result['tfmStepMs'] = median_ms(step, args.warmup, args.runs)
    log(f"tfm step {result['tfmStepMs']:.1f} ms")
    one = ids[:1]
    model.eval()

    def forward():
        with torch.no_grad():
            model(one)
    result['tfmForwardB1Ms'] = median_ms(forward, 50, 500)
    set_threads(1, 1)
    result['tfmForwardB1OneThreadMs'] = median_ms(forward, 50, 500)
    set_threads(args.threads, blas_threads)
    log(f"tfm forward batch 1: {result['tfmForwardB1Ms']:.2f} ms ({result['tfmForwardB1OneThreadMs']:.2f} ms on 1 thread)")


# ---------------------------------------------------------------- gemm
def gemm_gflops(m, n, k, runs):
    a = torch.randn(m, k)
    b = torch.randn(k, n)
    c = torch.empty(m, n)
    ms = median_ms(lambda: torch.mm(a, b, out=c), 2, runs)
    return 2 * m * n * k / (ms * 1e6)


def run_gemm(result):
    result['gemm512Gflops'] = gemm_gflops(512, 512, 512, 30)
    result['gemm256x4096x768Gflops'] = gemm_gflops(256, 768, 4096, 10)
    log(f"GEMM 512^3 {result['gemm512Gflops']:.0f} GFLOP/s, 256x4096x768 {result['gemm256x4096x768Gflops']:.0f} GFLOP/s")


# ---------------------------------------------------------------- sasrec
def sasrec_batches(path, maxlen, batch_size):
    """Training rows of the validation fit (seq[:-2]) as sasrec_ref.py builds them: input
    seq[:-1][-maxlen:], target seq[1:][-maxlen:]; rows stably sorted by input length
    (ties in file order) and cut into batches. Item ids as in the file (1..n, 0 = padding)."""
    sequences = []
    with open(path) as handle:
        for line in handle:
            fields = line.split()
            if fields:
                sequences.append([int(value) for value in fields[1:]])
    items = max(max(sequence) for sequence in sequences)
    rows = []
    for sequence in sequences:
        train = sequence[:-2]
        if len(train) >= 2:
            rows.append((train[:-1][-maxlen:], train[1:][-maxlen:]))
    rows.sort(key=lambda row: len(row[0]))  # stable: ties keep file order
    batches = []
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        length = max(len(inputs) for inputs, _ in chunk)
        inputs = np.zeros((len(chunk), length), dtype=np.int64)
        targets = np.zeros((len(chunk), length), dtype=np.int64)
        for i, (x, y) in enumerate(chunk):
            inputs[i, length - len(x):] = x  # left padding
            targets[i, length - len(y):] = y
        batches.append((torch.from_numpy(inputs), torch.from_numpy(targets)))
    return items, batches


class SasRecBlock(nn.Module):
    """The block of sasrec_ref.py: pre-LN, nn.MultiheadAttention with dropout on the
    attention probabilities, FFN with GELU, dropout on both residual branches, padding
    positions zeroed after the block."""

    def __init__(self, dim, heads, dropout, ffn):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.ln2 = nn.LayerNorm(dim)
        self.attention = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.ffn = nn.Sequential(nn.Linear(dim, ffn), nn.GELU(), nn.Dropout(dropout), nn.Linear(ffn, dim))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask, keep):  # x [B, T, d], mask [B*H, T, T], keep [B, T, 1]
        q = self.ln1(x)
        x = x + self.dropout(self.attention(q, q, q, attn_mask=mask, need_weights=False)[0])
        x = x + self.dropout(self.ffn(self.ln2(x)))
        return x * keep


class SasRec(nn.Module):
    """The model of sasrec_ref.py: item embedding scaled by sqrt(d) plus a learned position
    counted back from slot maxlen - 1, dropout, blocks, final LayerNorm; the output layer is
    the item table without the padding row (tied)."""

    def __init__(self, items, dim, maxlen, heads, layers, dropout, ffn):
        super().__init__()
        self.dim, self.maxlen, self.heads = dim, maxlen, heads
        self.item = nn.Embedding(items + 1, dim, padding_idx=0)
        self.position = nn.Embedding(maxlen, dim)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([SasRecBlock(dim, heads, dropout, ffn) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        for parameter in self.parameters():
            if parameter.dim() >= 2:
                nn.init.xavier_normal_(parameter)
        with torch.no_grad():
            self.item.weight[0].zero_()

    def forward(self, ids):  # ids [B, T] left-padded -> hidden [B, T, d]
        length = ids.shape[1]
        positions = torch.arange(self.maxlen - length, self.maxlen)
        keep = (ids > 0).unsqueeze(-1).float()  # [B, T, 1]
        x = self.dropout(self.item(ids) * math.sqrt(self.dim) + self.position(positions)[None]) * keep
        blocked = torch.triu(torch.ones(length, length, dtype=torch.bool), 1)[None] | (ids == 0)[:, None, :]
        blocked = blocked & ~torch.eye(length, dtype=torch.bool)[None]  # a row never masks itself
        blocked = blocked.repeat_interleave(self.heads, 0)  # [B*H, T, T]
        for block in self.blocks:
            x = block(x, blocked, keep)
        return self.norm(x)


class SoftmaxCrossEntropy(torch.autograd.Function):
    """mean_i [logsumexp(h_i W^T) - h_i . W_{y_i}] over all items in one buffer: the
    probabilities overwrite the logits, and the backward reuses them in place."""

    @staticmethod
    def forward(ctx, hidden, weight, targets):  # hidden [N, d], weight [V, d], targets [N]
        probs = hidden @ weight.t()  # [N, V]
        probs.sub_(probs.max(1, keepdim=True)[0]).exp_()
        total = probs.sum(1, keepdim=True)  # [N, 1]
        loss = (total.log() - probs.gather(1, targets[:, None]).log()).mean()
        probs.div_(total)
        ctx.save_for_backward(hidden, weight, targets, probs)
        return loss

    @staticmethod
    def backward(ctx, grad):
        hidden, weight, targets, probs = ctx.saved_tensors
        probs[torch.arange(len(targets)), targets] -= 1.0
        probs.mul_(grad / len(targets))  # d loss / d logits, [N, V]
        return probs @ weight, probs.t() @ hidden, None


def run_sasrec(result):
    if not args.data:
        raise SystemExit('sasrec needs --data (Beauty.txt)')
    items, batches = sasrec_batches(args.data, args.sasrec_maxlen, args.sasrec_batch)
    model = SasRec(items, args.sasrec_dim, args.sasrec_maxlen, args.sasrec_heads, args.sasrec_layers,
                   args.sasrec_dropout, args.sasrec_ffn or args.sasrec_dim)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98))

    def step(inputs, targets):
        hidden = model(inputs)  # [B, T, d]
        real = targets > 0
        if args.sasrec_loss == 'fused':
            loss = SoftmaxCrossEntropy.apply(hidden[real], model.item.weight[1:], targets[real] - 1)
        else:
            loss = F.cross_entropy(hidden[real] @ model.item.weight[1:].t(), targets[real] - 1)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            model.item.weight[0].zero_()
        return loss.item()

    for inputs, targets in batches[len(batches) - args.sasrec_warmup:]:
        step(inputs, targets)
    samples = []
    epoch_start = time.perf_counter()
    for inputs, targets in batches:
        start = time.perf_counter()
        step(inputs, targets)
        samples.append((time.perf_counter() - start) * 1e3)
    epoch_s = time.perf_counter() - epoch_start
    result['sasrec'] = {
        'items': items,
        'steps': len(batches),
        'positions': int(sum(int((targets > 0).sum()) for _, targets in batches)),
        'paddedSlots': int(sum(inputs.numel() for inputs, _ in batches)),
        'meanStepMs': sum(samples) / len(samples),
        'medianStepMs': statistics.median(samples),
        'epochS': epoch_s,
        'loss': args.sasrec_loss,
    }
    log(f"sasrec epoch {epoch_s:.1f} s, {len(batches)} steps, mean {result['sasrec']['meanStepMs']:.1f} ms/step")


runners = {'mlp': run_mlp, 'tfm': run_tfm, 'gemm': run_gemm, 'sasrec': run_sasrec}
unknown = [w for w in workloads if w not in runners]
if unknown:
    raise SystemExit(f'unknown workload {unknown[0]}; known: {", ".join(runners)}')
result = {'torch': torch.__version__, 'python': sys.version.split()[0], 'threads': torch.get_num_threads(),
          'openblasThreads': [library.openblas_get_num_threads() for library in OPENBLAS]}
for name in workloads:
    runners[name](result)
print('RESULT ' + json.dumps(result), flush=True)
