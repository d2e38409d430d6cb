;; The WebAssembly SIMD core of the CPU backend's GEMM (see src/kernels/gemm_wasm.ts).
;; Compiled by scripts/build-wasm.mjs into src/kernels/gemm_wasm_module.ts (base64).
;;
;; JavaScript packs the operands into this module's memory, as gemm_js.ts does into a
;; Float64Array: A as MR-tall row panels (for each depth step p, the MR values A[i..i+MR, p])
;; and B as NR-wide column panels (for each p, the NR values B[p, j..j+NR]), zero-padded, so
;; every tile is a full MR×NR tile. `block` then computes the whole packed product into a
;; row-major C buffer in memory, which JavaScript adds or copies into the real C.
;;
;; MR×NR = 4×8: eight f32x4 sums, two B vectors and one broadcast A value fit the sixteen
;; SIMD registers of x86-64 and ARM without spills (6×8 and 8×8 measured slower on V8).
;; There is no fused multiply-add in WebAssembly SIMD (without relaxed-simd), so each step
;; is a mul and an add per vector.
(module
  (memory (export "memory") 1)

  ;; One 4×8 tile of C over kc >= 1 depth steps: C[c + r*ldc ..] = Σ_p A[p, r] · B[p, 0..8].
  ;; a, b, c and ldc are byte offsets.
  (func $tile (param $kc i32) (param $a i32) (param $b i32) (param $c i32) (param $ldc i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (loop $depth
      (local.set $b0 (v128.load offset=0 (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $x (v128.load32_splat offset=0 (local.get $a)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=4 (local.get $a)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=8 (local.get $a)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=12 (local.get $a)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br_if $depth (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (v128.store offset=0 (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store offset=0 (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store offset=0 (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store offset=0 (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; The packed product of rowTiles A panels and colTiles B panels (both >= 1), kc >= 1 deep,
  ;; into C at byte offset c with row stride ldc bytes. Column panels outside, so that one
  ;; B panel (kc×8 floats) stays in L1 while the A panels stream from L2.
  (func (export "block") (param $rowTiles i32) (param $colTiles i32) (param $kc i32)
        (param $a i32) (param $b i32) (param $c i32) (param $ldc i32)
    (local $i i32) (local $aPanel i32) (local $cTile i32) (local $aStep i32) (local $cStep i32)
    (local.set $aStep (i32.mul (local.get $kc) (i32.const 16)))
    (local.set $cStep (i32.mul (local.get $ldc) (i32.const 4)))
    (loop $columns
      (local.set $aPanel (local.get $a))
      (local.set $cTile (local.get $c))
      (local.set $i (local.get $rowTiles))
      (loop $rows
        (call $tile (local.get $kc) (local.get $aPanel) (local.get $b) (local.get $cTile) (local.get $ldc))
        (local.set $aPanel (i32.add (local.get $aPanel) (local.get $aStep)))
        (local.set $cTile (i32.add (local.get $cTile) (local.get $cStep)))
        (br_if $rows (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
      (local.set $b (i32.add (local.get $b) (i32.mul (local.get $kc) (i32.const 32))))
      (local.set $c (i32.add (local.get $c) (i32.const 32)))
      (br_if $columns (local.tee $colTiles (i32.sub (local.get $colTiles) (i32.const 1)))))))
