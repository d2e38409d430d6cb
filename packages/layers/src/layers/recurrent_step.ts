/**
 * One time step of each recurrent cell, as PyTorch computes it (torch.nn.RNN/LSTM/GRU docs),
 * written with public ops so that autograd differentiates it on every backend.
 *
 * The input side arrives precomputed: `gi` = x·W_ihᵀ + b_ih for the step. The layers compute
 * it for all time steps in one matmul and, for RNN and LSTM (whose two biases are simply
 * added), fold b_hh into it too and pass `bHh = null`; GRU always passes b_hh, because its
 * reset gate multiplies the whole hidden-side term including b_hn.
 */
import { matmul, narrow, relu, select, sigmoid, tanh, zeros, type Tensor } from '@nn/tensor';

export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** Rows of W_ih/W_hh per hidden unit: the gates stacked in PyTorch's order (LSTM i,f,g,o; GRU r,z,n). */
export const GATES: Readonly<Record<RecurrentMode, number>> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

export interface StepState {
  h: Tensor;
  /** LSTM's cell state; null for the others. */
  c: Tensor | null;
}

/** h·W_hhᵀ (+ b_hh): the transpose is a GEMM flag, not a copy. */
function hiddenTerm(h: Tensor, wHh: Tensor, bHh: Tensor | null): Tensor {
  const y = matmul(h, wHh, { transposeB: true });
  return bHh === null ? y : y.add(bHh);
}

/** Columns [k·H, (k+1)·H) of a [N, G·H] gate tensor: gate k. */
const gate = (t: Tensor, k: number, H: number, count = 1): Tensor => narrow(t, 1, k * H, count * H);

/**
 * The next state from `gi` [N, G·H] and the previous state; `h`/`c` null mean zeros (the
 * first step without h0), which saves the hidden-side matmul.
 */
export function cellStep(mode: RecurrentMode, gi: Tensor, h: Tensor | null, c: Tensor | null, wHh: Tensor, bHh: Tensor | null, wHr: Tensor | null = null): StepState {
  const H = gi.shape[1] / GATES[mode];
  if (mode === 'GRU') {
    // r, z = σ(W_i[rz] x + b_i[rz] + W_h[rz] h + b_h[rz]); n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn));
    // h' = (1 − z) ⊙ n + z ⊙ h, written n + z ⊙ (h − n).
    const state = h ?? zeros([gi.shape[0], H]);
    const gh = hiddenTerm(state, wHh, bHh);
    const rz = sigmoid(gate(gi, 0, H, 2).add(gate(gh, 0, H, 2)));
    const r = gate(rz, 0, H);
    const z = gate(rz, 1, H);
    const n = tanh(gate(gi, 2, H).add(r.mul(gate(gh, 2, H))));
    return { h: n.add(z.mul(state.sub(n))), c: null };
  }
  const pre = h === null ? (bHh === null ? gi : gi.add(bHh)) : gi.add(hiddenTerm(h, wHh, bHh));
  if (mode === 'RNN_TANH') return { h: tanh(pre), c: null };
  if (mode === 'RNN_RELU') return { h: relu(pre), c: null };
  // LSTM: i, f, o = σ(·), g = tanh(·); c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c'). One sigmoid over
  // all four gates (g's quarter unused) is one kernel instead of three.
  const s = sigmoid(pre);
  const i = gate(s, 0, H);
  const g = tanh(gate(pre, 2, H));
  const o = gate(s, 3, H);
  const ig = i.mul(g);
  const cNext = c === null ? ig : gate(s, 1, H).mul(c).add(ig);
  const hNext = o.mul(tanh(cNext));
  // With projSize, h = W_hr (o ⊙ tanh c) (Sak et al., 2014), as PyTorch.
  return { h: wHr === null ? hNext : matmul(hNext, wHr, { transposeB: true }), c: cNext };
}

/**
 * The T steps of a [T, ...] tensor. Each slice's gradient is a zero-padded copy of the whole
 * tensor, so T direct slices would cost T full-size tensors in backward; slicing √T chunks
 * first, then steps within each chunk, costs about 2√T.
 */
export function unbindSteps(x: Tensor): Tensor[] {
  const T = x.shape[0];
  if (T <= 4) return Array.from({ length: T }, (_, t) => select(x, 0, t));
  const chunk = Math.ceil(Math.sqrt(T));
  const steps: Tensor[] = [];
  for (let start = 0; start < T; start += chunk) {
    const piece = narrow(x, 0, start, Math.min(chunk, T - start));
    for (let t = 0; t < piece.shape[0]; t++) steps.push(select(piece, 0, t));
    piece.dispose();
  }
  return steps;
}
