;; WebAssembly SIMD kernels for small layers over many rows (see src/kernels/small_wasm.ts):
;; the Playground's frame runs a 6→8→8→1 network with tanh over a 100×100 grid, where the
;; packed GEMM's tiles are mostly padding and Math.tanh is a C call per element.
;; Compiled by scripts/build-wasm.mjs into src/kernels/small_wasm_module.ts (base64).
;;
;; The GEMMs compute in float64, two lanes at a time, with the same operations in the same
;; order as their JavaScript twin (gemm_narrow.ts), so their results are bit-identical to it;
;; tanh computes in float32, four lanes at a time (see there).
(module
  (memory (export "memory") 1)

  ;; C = A·W + bias for C at most 8 columns wide. A: m rows of k float32, dense. W: k rows of
  ;; 8 float64 (zero past the real width). bias: 8 float64 (zeros for none). Each row of C is
  ;; stored as 8 float32 at c + i·ldc, rows in increasing order: with ldc = 4·n < 32 a row's
  ;; store spills into the next row, which is then overwritten by its own store, so the
  ;; caller only leaves 8 floats of room after the last row. Offsets in bytes.
  (func (export "narrow8") (param $m i32) (param $k i32) (param $a i32) (param $w i32)
        (param $bias i32) (param $c i32) (param $ldc i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $x v128) (local $p i32) (local $wp i32)
    (block $done
      (br_if $done (i32.eqz (local.get $m)))
      (loop $rows
        (local.set $s0 (v128.load offset=0 (local.get $bias)))
        (local.set $s1 (v128.load offset=16 (local.get $bias)))
        (local.set $s2 (v128.load offset=32 (local.get $bias)))
        (local.set $s3 (v128.load offset=48 (local.get $bias)))
        (local.set $p (local.get $k))
        (local.set $wp (local.get $w))
        (block $depthDone
          (br_if $depthDone (i32.eqz (local.get $p)))
          (loop $depth
            (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $a)))))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $x) (v128.load offset=0 (local.get $wp)))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $wp)))))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $x) (v128.load offset=32 (local.get $wp)))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $x) (v128.load offset=48 (local.get $wp)))))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
            (br_if $depth (local.tee $p (i32.sub (local.get $p) (i32.const 1))))))
        ;; Round each pair of sums to float32 and store the row's eight values.
        (v128.store offset=0 (local.get $c)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $s0)) (f32x4.demote_f64x2_zero (local.get $s1))))
        (v128.store offset=16 (local.get $c)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $s2)) (f32x4.demote_f64x2_zero (local.get $s3))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (br_if $rows (local.tee $m (i32.sub (local.get $m) (i32.const 1)))))))

  ;; The same for C at most 2 columns wide (the output layer of a small network): W holds k
  ;; rows of 2 float64, bias 2 float64, and each row stores 2 float32.
  (func (export "narrow2") (param $m i32) (param $k i32) (param $a i32) (param $w i32)
        (param $bias i32) (param $c i32) (param $ldc i32)
    (local $s0 v128) (local $p i32) (local $wp i32)
    (block $done
      (br_if $done (i32.eqz (local.get $m)))
      (loop $rows
        (local.set $s0 (v128.load (local.get $bias)))
        (local.set $p (local.get $k))
        (local.set $wp (local.get $w))
        (block $depthDone
          (br_if $depthDone (i32.eqz (local.get $p)))
          (loop $depth
            (local.set $s0 (f64x2.add (local.get $s0)
              (f64x2.mul (f64x2.splat (f64.promote_f32 (f32.load (local.get $a)))) (v128.load (local.get $wp)))))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (local.set $wp (i32.add (local.get $wp) (i32.const 16)))
            (br_if $depth (local.tee $p (i32.sub (local.get $p) (i32.const 1))))))
        (v128.store64_lane 0 (local.get $c) (f32x4.demote_f64x2_zero (local.get $s0)))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (br_if $rows (local.tee $m (i32.sub (local.get $m) (i32.const 1)))))))

  ;; out[i] = tanh(x[i]) for i < 4·quads (x and out may be the same place), in float32
  ;; arithmetic four lanes at a time: tanh(x) = m / (m + 2) with m = e^{2x} − 1, as in
  ;; tanh_float32.ts, but with 2x = n·ln2 + r reduced in two steps (Cody and Waite: n·LN2_HI
  ;; is exact) and e^r − 1 as its Taylor series to r^7 (|r| ≤ ln2/2: truncation 5e-9). The
  ;; float32 rounding of each step leaves the result within 2 ulp of tanh rounded to float32
  ;; (93% of float32 inputs exact; small_wasm.test.ts checks it), where the float64 twin in
  ;; JavaScript rounds exactly but costs five times as much.
  (func (export "tanh") (param $x i32) (param $out i32) (param $quads i32)
    (local $v v128) (local $y v128) (local $n v128) (local $r v128) (local $p v128)
    (local $s v128) (local $m v128)
    (block $done
      (br_if $done (i32.eqz (local.get $quads)))
      (loop $each
        (local.set $v (v128.load (local.get $x)))
        ;; clamp to ±9.1, where tanh already rounds to ±1 (pmax/pmin keep a NaN in their first
        ;; operand), y = 2x
        (local.set $y (f32x4.pmin (f32x4.pmax (local.get $v) (v128.const f32x4 -9.1 -9.1 -9.1 -9.1)) (v128.const f32x4 9.1 9.1 9.1 9.1)))
        (local.set $y (f32x4.add (local.get $y) (local.get $y)))
        ;; n = floor(y / ln2 + 0.5), r = y − n·ln2
        (local.set $n (f32x4.floor (f32x4.add
          (f32x4.mul (local.get $y) (v128.const f32x4 1.4426950216293335 1.4426950216293335 1.4426950216293335 1.4426950216293335))
          (v128.const f32x4 0.5 0.5 0.5 0.5))))
        (local.set $r (f32x4.sub (local.get $y) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (v128.const f32x4 -0.00021219444170128554 -0.00021219444170128554 -0.00021219444170128554 -0.00021219444170128554))))
        ;; p = e^r − 1 = r + r²·(1/2 + r·(1/6 + r·(1/24 + r·(1/120 + r·(1/720 + r/5040)))))
        (local.set $p (f32x4.add (v128.const f32x4 0.0013888889225199819 0.0013888889225199819 0.0013888889225199819 0.0013888889225199819)
          (f32x4.mul (local.get $r) (v128.const f32x4 0.00019841270113829523 0.00019841270113829523 0.00019841270113829523 0.00019841270113829523))))
        (local.set $p (f32x4.add (v128.const f32x4 0.008333333767950535 0.008333333767950535 0.008333333767950535 0.008333333767950535) (f32x4.mul (local.get $r) (local.get $p))))
        (local.set $p (f32x4.add (v128.const f32x4 0.0416666679084301 0.0416666679084301 0.0416666679084301 0.0416666679084301) (f32x4.mul (local.get $r) (local.get $p))))
        (local.set $p (f32x4.add (v128.const f32x4 0.1666666716337204 0.1666666716337204 0.1666666716337204 0.1666666716337204) (f32x4.mul (local.get $r) (local.get $p))))
        (local.set $p (f32x4.add (v128.const f32x4 0.5 0.5 0.5 0.5) (f32x4.mul (local.get $r) (local.get $p))))
        (local.set $p (f32x4.add (local.get $r) (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)) (local.get $p))))
        ;; s = 2^n from its bits: n + 2^23 + 127 holds n + 127 in its low bits, shifted into the
        ;; exponent; m = s·p + (s − 1) stays exact near zero, where n = 0
        (local.set $s (i32x4.shl (f32x4.add (local.get $n) (v128.const f32x4 8388735 8388735 8388735 8388735)) (i32.const 23)))
        (local.set $m (f32x4.add (f32x4.mul (local.get $s) (local.get $p)) (f32x4.sub (local.get $s) (v128.const f32x4 1 1 1 1))))
        (local.set $m (f32x4.div (local.get $m) (f32x4.add (local.get $m) (v128.const f32x4 2 2 2 2))))
        ;; ±0 stays itself (keeps −0)
        (v128.store (local.get $out)
          (v128.bitselect (local.get $v) (local.get $m) (f32x4.eq (local.get $v) (v128.const f32x4 0 0 0 0))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br_if $each (local.tee $quads (i32.sub (local.get $quads) (i32.const 1)))))))

  ;; One Adam / AdamW step (src/kernels/optimizer_update.ts, whose JavaScript loop it replaces
  ;; for large parameters) over quads·4 values: p, g, m, v and, with amsgrad, vmax at byte
  ;; offsets; the new p, m, v and vmax are written over the old. Each step is one float32
  ;; operation where the loop rounds each float64 step with Math.fround, so the bits are the
  ;; same: +, −, ×, ÷ and √ of float32 values done in float64 and rounded once to float32 give
  ;; the correctly rounded float32 result. There the loop runs at about 30 ns a value (two
  ;; divisions and a square root in float64 per value); here four lanes at a time.
  ;; flags: 1 maximize, 2 weight decay, 4 decoupled weight decay (AdamW), 8 amsgrad.
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $vmax i32)
        (param $quads i32) (param $flags i32)
        (param $beta2 f32) (param $oneMinusBeta1 f32) (param $oneMinusBeta2 f32) (param $wd f32)
        (param $decay f32) (param $eps f32) (param $stepSize f32) (param $bc2 f32)
    (local $grad v128) (local $param v128) (local $avg v128) (local $avgSq v128) (local $second v128)
    (local $kBeta2 v128) (local $kOneMinusBeta1 v128) (local $kOneMinusBeta2 v128) (local $kWd v128)
    (local $kDecay v128) (local $kEps v128) (local $kStepSize v128) (local $kBc2 v128)
    (local.set $kBeta2 (f32x4.splat (local.get $beta2)))
    (local.set $kOneMinusBeta1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $kOneMinusBeta2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $kWd (f32x4.splat (local.get $wd)))
    (local.set $kDecay (f32x4.splat (local.get $decay)))
    (local.set $kEps (f32x4.splat (local.get $eps)))
    (local.set $kStepSize (f32x4.splat (local.get $stepSize)))
    (local.set $kBc2 (f32x4.splat (local.get $bc2)))
    (block $done
      (br_if $done (i32.eqz (local.get $quads)))
      (loop $each
        (local.set $grad (v128.load (local.get $g)))
        (if (i32.and (local.get $flags) (i32.const 1)) (then (local.set $grad (f32x4.neg (local.get $grad)))))
        (local.set $param (v128.load (local.get $p)))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then
            (if (i32.and (local.get $flags) (i32.const 4))
              (then (local.set $param (f32x4.mul (local.get $param) (local.get $kDecay))))
              (else (local.set $grad (f32x4.add (local.get $grad) (f32x4.mul (local.get $param) (local.get $kWd))))))))
        ;; m + (g − m)·(1 − β1), and β2·v + g²·(1 − β2)
        (local.set $avg (v128.load (local.get $m)))
        (local.set $avg (f32x4.add (local.get $avg)
          (f32x4.mul (f32x4.sub (local.get $grad) (local.get $avg)) (local.get $kOneMinusBeta1))))
        (local.set $avgSq (f32x4.add (f32x4.mul (v128.load (local.get $v)) (local.get $kBeta2))
          (f32x4.mul (f32x4.mul (local.get $grad) (local.get $grad)) (local.get $kOneMinusBeta2))))
        (v128.store (local.get $m) (local.get $avg))
        (v128.store (local.get $v) (local.get $avgSq))
        (local.set $second (local.get $avgSq))
        ;; amsgrad: the running maximum, NaN if either is (torch.maximum)
        (if (i32.and (local.get $flags) (i32.const 8))
          (then
            (local.set $second (f32x4.max (v128.load (local.get $vmax)) (local.get $avgSq)))
            (v128.store (local.get $vmax) (local.get $second))))
        ;; p − (m / (√second / bc2 + eps))·stepSize
        (v128.store (local.get $p) (f32x4.sub (local.get $param)
          (f32x4.mul
            (f32x4.div (local.get $avg) (f32x4.add (f32x4.div (f32x4.sqrt (local.get $second)) (local.get $kBc2)) (local.get $kEps)))
            (local.get $kStepSize))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $vmax (i32.add (local.get $vmax) (i32.const 16)))
        (br_if $each (local.tee $quads (i32.sub (local.get $quads) (i32.const 1))))))))
