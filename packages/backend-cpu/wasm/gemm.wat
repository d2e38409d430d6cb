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
      (br_if $columns (local.tee $colTiles (i32.sub (local.get $colTiles) (i32.const 1))))))

  ;; ---- Convolutions (src/kernels/conv2d_packed.ts) ----
  ;; The conv path keeps its C buffer in this memory across depth slices, so the slices after
  ;; the first add into it here (`block_acc`) instead of in JavaScript; and it builds the B
  ;; panels straight from a zero-padded copy of the input (`pack_im2col`), with no im2col
  ;; matrix in between.

  ;; $tile, but starting from the sums already in C: C[..] += Σ_p A[p, r] · B[p, 0..8].
  (func $tile_acc (param $kc i32) (param $a i32) (param $b i32) (param $c i32) (param $ldc i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $row i32)
    (local.set $row (local.get $c))
    (local.set $c00 (v128.load offset=0 (local.get $row)))
    (local.set $c01 (v128.load offset=16 (local.get $row)))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (local.set $c10 (v128.load offset=0 (local.get $row)))
    (local.set $c11 (v128.load offset=16 (local.get $row)))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (local.set $c20 (v128.load offset=0 (local.get $row)))
    (local.set $c21 (v128.load offset=16 (local.get $row)))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (local.set $c30 (v128.load offset=0 (local.get $row)))
    (local.set $c31 (v128.load offset=16 (local.get $row)))
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

  ;; `block` for the depth slices after the first: adds the packed product into C.
  (func (export "block_acc") (param $rowTiles i32) (param $colTiles i32) (param $kc i32)
        (param $a i32) (param $b i32) (param $c i32) (param $ldc i32)
    (local $i i32) (local $aPanel i32) (local $cTile i32) (local $aStep i32) (local $cStep i32)
    (local.set $aStep (i32.mul (local.get $kc) (i32.const 16)))
    (local.set $cStep (i32.mul (local.get $ldc) (i32.const 4)))
    (loop $columns
      (local.set $aPanel (local.get $a))
      (local.set $cTile (local.get $c))
      (local.set $i (local.get $rowTiles))
      (loop $rows
        (call $tile_acc (local.get $kc) (local.get $aPanel) (local.get $b) (local.get $cTile) (local.get $ldc))
        (local.set $aPanel (i32.add (local.get $aPanel) (local.get $aStep)))
        (local.set $cTile (i32.add (local.get $cTile) (local.get $cStep)))
        (br_if $rows (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
      (local.set $b (i32.add (local.get $b) (i32.mul (local.get $kc) (i32.const 32))))
      (local.set $c (i32.add (local.get $c) (i32.const 32)))
      (br_if $columns (local.tee $colTiles (i32.sub (local.get $colTiles) (i32.const 1))))))

  ;; B panels of a convolution for kc >= 1 depth rows and panels >= 1 panels of 8 output
  ;; pixels, written from dst on (kc·8 floats per panel, as `block` reads them). Element
  ;; (r, j) of a panel is the padded input at byte address pixel[j] + tap[r]: `taps` holds kc
  ;; i32 byte offsets of the depth rows' taps (channel, ki, kj), and `records` one 48-byte
  ;; record per panel: i32 mode at +0, then at +16 the eight i32 byte addresses of its
  ;; pixels' top-left taps. Mode 1: the eight pixels lie side by side (stride 1), so each row
  ;; is two vector copies; mode 2: every other float (stride 2), two shuffles of four
  ;; loads, reading up to 16 floats past the first pixel; mode 0: eight scalar loads.
  (func (export "pack_im2col") (param $panels i32) (param $kc i32) (param $dst i32) (param $records i32) (param $taps i32)
    (local $r i32) (local $t i32) (local $src i32) (local $mode i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $p4 i32) (local $p5 i32) (local $p6 i32) (local $p7 i32) (local $tap i32)
    (loop $panel
      (local.set $mode (i32.load (local.get $records)))
      (local.set $p0 (i32.load offset=16 (local.get $records)))
      (local.set $t (local.get $taps))
      (local.set $r (local.get $kc))
      (if (i32.eq (local.get $mode) (i32.const 1))
        (then
          (loop $contiguous
            (local.set $src (i32.add (local.get $p0) (i32.load (local.get $t))))
            (v128.store offset=0 (local.get $dst) (v128.load offset=0 (local.get $src)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (br_if $contiguous (local.tee $r (i32.sub (local.get $r) (i32.const 1))))))
        (else (if (i32.eq (local.get $mode) (i32.const 2))
          (then
            (loop $strided
              (local.set $src (i32.add (local.get $p0) (i32.load (local.get $t))))
              (v128.store offset=0 (local.get $dst)
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (v128.load offset=0 (local.get $src)) (v128.load offset=16 (local.get $src))))
              (v128.store offset=16 (local.get $dst)
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (v128.load offset=32 (local.get $src)) (v128.load offset=48 (local.get $src))))
              (local.set $t (i32.add (local.get $t) (i32.const 4)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (br_if $strided (local.tee $r (i32.sub (local.get $r) (i32.const 1))))))
          (else
            (local.set $p1 (i32.load offset=20 (local.get $records)))
            (local.set $p2 (i32.load offset=24 (local.get $records)))
            (local.set $p3 (i32.load offset=28 (local.get $records)))
            (local.set $p4 (i32.load offset=32 (local.get $records)))
            (local.set $p5 (i32.load offset=36 (local.get $records)))
            (local.set $p6 (i32.load offset=40 (local.get $records)))
            (local.set $p7 (i32.load offset=44 (local.get $records)))
            (loop $gather
              (local.set $tap (i32.load (local.get $t)))
              (f32.store offset=0 (local.get $dst) (f32.load (i32.add (local.get $p0) (local.get $tap))))
              (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $p1) (local.get $tap))))
              (f32.store offset=8 (local.get $dst) (f32.load (i32.add (local.get $p2) (local.get $tap))))
              (f32.store offset=12 (local.get $dst) (f32.load (i32.add (local.get $p3) (local.get $tap))))
              (f32.store offset=16 (local.get $dst) (f32.load (i32.add (local.get $p4) (local.get $tap))))
              (f32.store offset=20 (local.get $dst) (f32.load (i32.add (local.get $p5) (local.get $tap))))
              (f32.store offset=24 (local.get $dst) (f32.load (i32.add (local.get $p6) (local.get $tap))))
              (f32.store offset=28 (local.get $dst) (f32.load (i32.add (local.get $p7) (local.get $tap))))
              (local.set $t (i32.add (local.get $t) (i32.const 4)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (br_if $gather (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))))))
      (local.set $records (i32.add (local.get $records) (i32.const 48)))
      (br_if $panel (local.tee $panels (i32.sub (local.get $panels) (i32.const 1))))))

  ;; A panels (4 rows, for each depth step p the 4 values A[r, p]) for kc >= 1 depth steps of
  ;; rows >= 1 four-row panels of a row-major matrix at src (row stride lda bytes; the rows
  ;; of the last panel must exist, zero-padded by the caller), written from dst on. Four
  ;; steps at a time as a 4×4 transpose of four row vectors.
  (func (export "pack_a4") (param $panels i32) (param $kc i32) (param $dst i32) (param $src i32) (param $lda i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $p i32) (local $full i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t0 v128) (local $t1 v128)
    (local.set $full (i32.and (local.get $kc) (i32.const -4)))
    (loop $panel
      (local.set $r0 (local.get $src))
      (local.set $r1 (i32.add (local.get $r0) (local.get $lda)))
      (local.set $r2 (i32.add (local.get $r1) (local.get $lda)))
      (local.set $r3 (i32.add (local.get $r2) (local.get $lda)))
      (local.set $p (i32.const 0))
      (block $done4
        (br_if $done4 (i32.eqz (local.get $full)))
        (loop $four
          (local.set $v0 (v128.load (i32.add (local.get $r0) (local.get $p))))
          (local.set $v1 (v128.load (i32.add (local.get $r1) (local.get $p))))
          (local.set $v2 (v128.load (i32.add (local.get $r2) (local.get $p))))
          (local.set $v3 (v128.load (i32.add (local.get $r3) (local.get $p))))
          ;; (a0 b0 a1 b1), (c0 d0 c1 d1) -> (a0 b0 c0 d0), (a1 b1 c1 d1)
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
          (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
          (v128.store offset=0 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
          (v128.store offset=16 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
          ;; (a2 b2 a3 b3), (c2 d2 c3 d3) -> (a2 b2 c2 d2), (a3 b3 c3 d3)
          (local.set $t0 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
          (v128.store offset=32 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
          (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br_if $four (i32.lt_u (local.get $p) (i32.shl (local.get $full) (i32.const 2))))))
      (block $done
        (br_if $done (i32.eq (local.get $full) (local.get $kc)))
        (loop $one
          (f32.store offset=0 (local.get $dst) (f32.load (i32.add (local.get $r0) (local.get $p))))
          (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $r1) (local.get $p))))
          (f32.store offset=8 (local.get $dst) (f32.load (i32.add (local.get $r2) (local.get $p))))
          (f32.store offset=12 (local.get $dst) (f32.load (i32.add (local.get $r3) (local.get $p))))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br_if $one (i32.lt_u (local.get $p) (i32.shl (local.get $kc) (i32.const 2))))))
      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $lda) (i32.const 2))))
      (br_if $panel (local.tee $panels (i32.sub (local.get $panels) (i32.const 1))))))

  ;; ---- Winograd F(2×2, 3×3) (src/kernels/conv2d_winograd.ts) ----
;; A 3×3 stride-1 conv as 16 GEMMs over 4×4 input tiles, each giving a 2×2 output tile
;; (Lavin & Gray, 2015): Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A, the product ⊙ summed over input
;; channels, which is GEMM ξ = 0..15: U_ξ [Cout × Cin] · V_ξ [Cin × tiles]. 2.25× fewer
;; multiplies than the direct sum; the transforms below are adds (and halves, for G).
;; Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1],
;; Aᵀ = [1 1 1 0; 0 1 -1 -1].

;; U_ξ for rows x channels 3×3 filters at src (row-major [rows, channels, 3, 3]) into A
;; panels: U_ξ[o, c] at dst + ξ·xi + (o/4)·channels·16 + c·16 + (o%4)·4 bytes. Rows of the
;; last panel past `rows` must be zeroed by the caller.
  (func (export "winograd_weights") (param $rows i32) (param $channels i32) (param $src i32) (param $dst i32) (param $xi i32)
    (local $o i32) (local $c i32) (local $d i32) (local $g0 f32) (local $g1 f32) (local $g2 f32) (local $g3 f32) (local $g4 f32) (local $g5 f32) (local $g6 f32) (local $g7 f32) (local $g8 f32) (local $t00 f32) (local $t01 f32) (local $t02 f32) (local $t10 f32) (local $t11 f32) (local $t12 f32) (local $t20 f32) (local $t21 f32) (local $t22 f32) (local $t30 f32) (local $t31 f32) (local $t32 f32)
    (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32) (local $x8 i32) (local $x9 i32) (local $x10 i32) (local $x11 i32) (local $x12 i32) (local $x13 i32) (local $x14 i32) (local $x15 i32)
    (local.set $x1 (i32.mul (local.get $xi) (i32.const 1)))
    (local.set $x2 (i32.mul (local.get $xi) (i32.const 2)))
    (local.set $x3 (i32.mul (local.get $xi) (i32.const 3)))
    (local.set $x4 (i32.mul (local.get $xi) (i32.const 4)))
    (local.set $x5 (i32.mul (local.get $xi) (i32.const 5)))
    (local.set $x6 (i32.mul (local.get $xi) (i32.const 6)))
    (local.set $x7 (i32.mul (local.get $xi) (i32.const 7)))
    (local.set $x8 (i32.mul (local.get $xi) (i32.const 8)))
    (local.set $x9 (i32.mul (local.get $xi) (i32.const 9)))
    (local.set $x10 (i32.mul (local.get $xi) (i32.const 10)))
    (local.set $x11 (i32.mul (local.get $xi) (i32.const 11)))
    (local.set $x12 (i32.mul (local.get $xi) (i32.const 12)))
    (local.set $x13 (i32.mul (local.get $xi) (i32.const 13)))
    (local.set $x14 (i32.mul (local.get $xi) (i32.const 14)))
    (local.set $x15 (i32.mul (local.get $xi) (i32.const 15)))
    (loop $row
    (local.set $c (i32.const 0))
    (loop $channel
      (local.set $d (i32.add (local.get $dst) (i32.add (i32.mul (i32.shr_u (local.get $o) (i32.const 2)) (i32.mul (local.get $channels) (i32.const 16)))
        (i32.add (i32.shl (local.get $c) (i32.const 4)) (i32.shl (i32.and (local.get $o) (i32.const 3)) (i32.const 2))))))
        (local.set $g0 (f32.load offset=0 (local.get $src)))
        (local.set $g1 (f32.load offset=4 (local.get $src)))
        (local.set $g2 (f32.load offset=8 (local.get $src)))
        (local.set $g3 (f32.load offset=12 (local.get $src)))
        (local.set $g4 (f32.load offset=16 (local.get $src)))
        (local.set $g5 (f32.load offset=20 (local.get $src)))
        (local.set $g6 (f32.load offset=24 (local.get $src)))
        (local.set $g7 (f32.load offset=28 (local.get $src)))
        (local.set $g8 (f32.load offset=32 (local.get $src)))
        (local.set $t00 (local.get $g0))
        (local.set $t10 (f32.mul (f32.const 0.5) (f32.add (f32.add (local.get $g0) (local.get $g3)) (local.get $g6))))
        (local.set $t20 (f32.mul (f32.const 0.5) (f32.add (f32.sub (local.get $g0) (local.get $g3)) (local.get $g6))))
        (local.set $t30 (local.get $g6))
        (local.set $t01 (local.get $g1))
        (local.set $t11 (f32.mul (f32.const 0.5) (f32.add (f32.add (local.get $g1) (local.get $g4)) (local.get $g7))))
        (local.set $t21 (f32.mul (f32.const 0.5) (f32.add (f32.sub (local.get $g1) (local.get $g4)) (local.get $g7))))
        (local.set $t31 (local.get $g7))
        (local.set $t02 (local.get $g2))
        (local.set $t12 (f32.mul (f32.const 0.5) (f32.add (f32.add (local.get $g2) (local.get $g5)) (local.get $g8))))
        (local.set $t22 (f32.mul (f32.const 0.5) (f32.add (f32.sub (local.get $g2) (local.get $g5)) (local.get $g8))))
        (local.set $t32 (local.get $g8))
        (f32.store (local.get $d) (local.get $t00))
        (f32.store (i32.add (local.get $d) (local.get $x1)) (f32.mul (f32.const 0.5) (f32.add (f32.add (local.get $t00) (local.get $t01)) (local.get $t02))))
        (f32.store (i32.add (local.get $d) (local.get $x2)) (f32.mul (f32.const 0.5) (f32.add (f32.sub (local.get $t00) (local.get $t01)) (local.get $t02))))
        (f32.store (i32.add (local.get $d) (local.get $x3)) (local.get $t02))
        (f32.store (i32.add (local.get $d) (local.get $x4)) (local.get $t10))
        (f32.store (i32.add (local.get $d) (local.get $x5)) (f32.mul (f32.const 0.5) (f32.add (f32.add (local.get $t10) (local.get $t11)) (local.get $t12))))
        (f32.store (i32.add (local.get $d) (local.get $x6)) (f32.mul (f32.const 0.5) (f32.add (f32.sub (local.get $t10) (local.get $t11)) (local.get $t12))))
        (f32.store (i32.add (local.get $d) (local.get $x7)) (local.get $t12))
        (f32.store (i32.add (local.get $d) (local.get $x8)) (local.get $t20))
        (f32.store (i32.add (local.get $d) (local.get $x9)) (f32.mul (f32.const 0.5) (f32.add (f32.add (local.get $t20) (local.get $t21)) (local.get $t22))))
        (f32.store (i32.add (local.get $d) (local.get $x10)) (f32.mul (f32.const 0.5) (f32.add (f32.sub (local.get $t20) (local.get $t21)) (local.get $t22))))
        (f32.store (i32.add (local.get $d) (local.get $x11)) (local.get $t22))
        (f32.store (i32.add (local.get $d) (local.get $x12)) (local.get $t30))
        (f32.store (i32.add (local.get $d) (local.get $x13)) (f32.mul (f32.const 0.5) (f32.add (f32.add (local.get $t30) (local.get $t31)) (local.get $t32))))
        (f32.store (i32.add (local.get $d) (local.get $x14)) (f32.mul (f32.const 0.5) (f32.add (f32.sub (local.get $t30) (local.get $t31)) (local.get $t32))))
        (f32.store (i32.add (local.get $d) (local.get $x15)) (local.get $t32))
        (local.set $src (i32.add (local.get $src) (i32.const 36)))
      (br_if $channel (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $channels))))
    (br_if $row (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 1))) (local.get $rows)))))

  ;; V_ξ = Bᵀ d B for `groups` groups of four side-by-side tiles (groups g0.. of a padded image
;; whose tile rows hold perRow groups), over `channels` planes from src (rowBytes, planeBytes
;; apart), into B panels of 8 tiles: channel c of local group q at dst + (q/2)·channels·32 +
;; (q%2)·16 + c·32 bytes, matrix ξ xi bytes further. A group reads 4 rows × 12 floats.
  (func (export "winograd_input") (param $groups i32) (param $g0 i32) (param $perRow i32) (param $channels i32) (param $src i32) (param $rowBytes i32) (param $planeBytes i32) (param $dst i32) (param $xi i32)
    (local $q i32) (local $c i32) (local $p i32) (local $d i32) (local $row i32) (local $grp i32) (local $a v128) (local $b v128) (local $j0 v128) (local $j1 v128) (local $j2 v128) (local $j3 v128)
    (local $r00 v128) (local $r01 v128) (local $r02 v128) (local $r03 v128) (local $r10 v128) (local $r11 v128) (local $r12 v128) (local $r13 v128) (local $r20 v128) (local $r21 v128) (local $r22 v128) (local $r23 v128) (local $r30 v128) (local $r31 v128) (local $r32 v128) (local $r33 v128)
    (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32) (local $x8 i32) (local $x9 i32) (local $x10 i32) (local $x11 i32) (local $x12 i32) (local $x13 i32) (local $x14 i32) (local $x15 i32)
    (local.set $x1 (i32.mul (local.get $xi) (i32.const 1)))
    (local.set $x2 (i32.mul (local.get $xi) (i32.const 2)))
    (local.set $x3 (i32.mul (local.get $xi) (i32.const 3)))
    (local.set $x4 (i32.mul (local.get $xi) (i32.const 4)))
    (local.set $x5 (i32.mul (local.get $xi) (i32.const 5)))
    (local.set $x6 (i32.mul (local.get $xi) (i32.const 6)))
    (local.set $x7 (i32.mul (local.get $xi) (i32.const 7)))
    (local.set $x8 (i32.mul (local.get $xi) (i32.const 8)))
    (local.set $x9 (i32.mul (local.get $xi) (i32.const 9)))
    (local.set $x10 (i32.mul (local.get $xi) (i32.const 10)))
    (local.set $x11 (i32.mul (local.get $xi) (i32.const 11)))
    (local.set $x12 (i32.mul (local.get $xi) (i32.const 12)))
    (local.set $x13 (i32.mul (local.get $xi) (i32.const 13)))
    (local.set $x14 (i32.mul (local.get $xi) (i32.const 14)))
    (local.set $x15 (i32.mul (local.get $xi) (i32.const 15)))
    (loop $group
    (local.set $grp (i32.add (local.get $g0) (local.get $q)))
    (local.set $p (i32.add (local.get $src) (i32.add
      (i32.mul (i32.div_u (local.get $grp) (local.get $perRow)) (i32.shl (local.get $rowBytes) (i32.const 1)))
      (i32.shl (i32.rem_u (local.get $grp) (local.get $perRow)) (i32.const 5)))))
    (local.set $d (i32.add (local.get $dst) (i32.add (i32.mul (i32.shr_u (local.get $q) (i32.const 1)) (i32.shl (local.get $channels) (i32.const 5)))
      (i32.shl (i32.and (local.get $q) (i32.const 1)) (i32.const 4)))))
    (local.set $c (i32.const 0))
    (loop $channel
      (local.set $row (local.get $p))
        (local.set $a (v128.load offset=0 (local.get $row)))
        (local.set $b (v128.load offset=16 (local.get $row)))
        (local.set $j0 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
        (local.set $j1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $a (v128.load offset=8 (local.get $row)))
        (local.set $b (v128.load offset=24 (local.get $row)))
        (local.set $j2 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
        (local.set $j3 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $r00 (f32x4.sub (local.get $j0) (local.get $j2)))
        (local.set $r01 (f32x4.add (local.get $j1) (local.get $j2)))
        (local.set $r02 (f32x4.sub (local.get $j2) (local.get $j1)))
        (local.set $r03 (f32x4.sub (local.get $j1) (local.get $j3)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $a (v128.load offset=0 (local.get $row)))
        (local.set $b (v128.load offset=16 (local.get $row)))
        (local.set $j0 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
        (local.set $j1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $a (v128.load offset=8 (local.get $row)))
        (local.set $b (v128.load offset=24 (local.get $row)))
        (local.set $j2 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
        (local.set $j3 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $r10 (f32x4.sub (local.get $j0) (local.get $j2)))
        (local.set $r11 (f32x4.add (local.get $j1) (local.get $j2)))
        (local.set $r12 (f32x4.sub (local.get $j2) (local.get $j1)))
        (local.set $r13 (f32x4.sub (local.get $j1) (local.get $j3)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $a (v128.load offset=0 (local.get $row)))
        (local.set $b (v128.load offset=16 (local.get $row)))
        (local.set $j0 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
        (local.set $j1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $a (v128.load offset=8 (local.get $row)))
        (local.set $b (v128.load offset=24 (local.get $row)))
        (local.set $j2 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
        (local.set $j3 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $r20 (f32x4.sub (local.get $j0) (local.get $j2)))
        (local.set $r21 (f32x4.add (local.get $j1) (local.get $j2)))
        (local.set $r22 (f32x4.sub (local.get $j2) (local.get $j1)))
        (local.set $r23 (f32x4.sub (local.get $j1) (local.get $j3)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $a (v128.load offset=0 (local.get $row)))
        (local.set $b (v128.load offset=16 (local.get $row)))
        (local.set $j0 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
        (local.set $j1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $a (v128.load offset=8 (local.get $row)))
        (local.set $b (v128.load offset=24 (local.get $row)))
        (local.set $j2 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
        (local.set $j3 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $r30 (f32x4.sub (local.get $j0) (local.get $j2)))
        (local.set $r31 (f32x4.add (local.get $j1) (local.get $j2)))
        (local.set $r32 (f32x4.sub (local.get $j2) (local.get $j1)))
        (local.set $r33 (f32x4.sub (local.get $j1) (local.get $j3)))
        (v128.store (local.get $d) (f32x4.sub (local.get $r00) (local.get $r20)))
        (v128.store (i32.add (local.get $d) (local.get $x4)) (f32x4.add (local.get $r10) (local.get $r20)))
        (v128.store (i32.add (local.get $d) (local.get $x8)) (f32x4.sub (local.get $r20) (local.get $r10)))
        (v128.store (i32.add (local.get $d) (local.get $x12)) (f32x4.sub (local.get $r10) (local.get $r30)))
        (v128.store (i32.add (local.get $d) (local.get $x1)) (f32x4.sub (local.get $r01) (local.get $r21)))
        (v128.store (i32.add (local.get $d) (local.get $x5)) (f32x4.add (local.get $r11) (local.get $r21)))
        (v128.store (i32.add (local.get $d) (local.get $x9)) (f32x4.sub (local.get $r21) (local.get $r11)))
        (v128.store (i32.add (local.get $d) (local.get $x13)) (f32x4.sub (local.get $r11) (local.get $r31)))
        (v128.store (i32.add (local.get $d) (local.get $x2)) (f32x4.sub (local.get $r02) (local.get $r22)))
        (v128.store (i32.add (local.get $d) (local.get $x6)) (f32x4.add (local.get $r12) (local.get $r22)))
        (v128.store (i32.add (local.get $d) (local.get $x10)) (f32x4.sub (local.get $r22) (local.get $r12)))
        (v128.store (i32.add (local.get $d) (local.get $x14)) (f32x4.sub (local.get $r12) (local.get $r32)))
        (v128.store (i32.add (local.get $d) (local.get $x3)) (f32x4.sub (local.get $r03) (local.get $r23)))
        (v128.store (i32.add (local.get $d) (local.get $x7)) (f32x4.add (local.get $r13) (local.get $r23)))
        (v128.store (i32.add (local.get $d) (local.get $x11)) (f32x4.sub (local.get $r23) (local.get $r13)))
        (v128.store (i32.add (local.get $d) (local.get $x15)) (f32x4.sub (local.get $r13) (local.get $r33)))
        (local.set $p (i32.add (local.get $p) (local.get $planeBytes)))
      (local.set $d (i32.add (local.get $d) (i32.const 32)))
      (br_if $channel (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $channels))))
    (br_if $group (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $groups)))))

  ;; Y = Aᵀ M A for `rows` output channels and `groups` groups of four tiles (groups g0.. as in
;; winograd_input): M_ξ[o, local tile] at src + ξ·xi + o·ldc bytes (the GEMMs' C buffers),
;; each 2×2 result at dst + o·planeBytes + (2·tile row)·rowBytes + (2·tile column)·4.
  (func (export "winograd_output") (param $rows i32) (param $groups i32) (param $g0 i32) (param $perRow i32) (param $src i32) (param $ldc i32) (param $xi i32) (param $dst i32) (param $rowBytes i32) (param $planeBytes i32)
    (local $o i32) (local $q i32) (local $s i32) (local $p i32) (local $grp i32) (local $y00 v128) (local $y01 v128) (local $y10 v128) (local $y11 v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $m4 v128) (local $m5 v128) (local $m6 v128) (local $m7 v128) (local $m8 v128) (local $m9 v128) (local $m10 v128) (local $m11 v128) (local $m12 v128) (local $m13 v128) (local $m14 v128) (local $m15 v128) (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128) (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32) (local $x8 i32) (local $x9 i32) (local $x10 i32) (local $x11 i32) (local $x12 i32) (local $x13 i32) (local $x14 i32) (local $x15 i32)
    (local.set $x1 (i32.mul (local.get $xi) (i32.const 1)))
    (local.set $x2 (i32.mul (local.get $xi) (i32.const 2)))
    (local.set $x3 (i32.mul (local.get $xi) (i32.const 3)))
    (local.set $x4 (i32.mul (local.get $xi) (i32.const 4)))
    (local.set $x5 (i32.mul (local.get $xi) (i32.const 5)))
    (local.set $x6 (i32.mul (local.get $xi) (i32.const 6)))
    (local.set $x7 (i32.mul (local.get $xi) (i32.const 7)))
    (local.set $x8 (i32.mul (local.get $xi) (i32.const 8)))
    (local.set $x9 (i32.mul (local.get $xi) (i32.const 9)))
    (local.set $x10 (i32.mul (local.get $xi) (i32.const 10)))
    (local.set $x11 (i32.mul (local.get $xi) (i32.const 11)))
    (local.set $x12 (i32.mul (local.get $xi) (i32.const 12)))
    (local.set $x13 (i32.mul (local.get $xi) (i32.const 13)))
    (local.set $x14 (i32.mul (local.get $xi) (i32.const 14)))
    (local.set $x15 (i32.mul (local.get $xi) (i32.const 15)))
    (loop $row
    (local.set $q (i32.const 0))
    (loop $group
      (local.set $s (i32.add (local.get $src) (i32.add (i32.mul (local.get $o) (local.get $ldc)) (i32.shl (local.get $q) (i32.const 4)))))
        (local.set $m0 (v128.load (local.get $s)))
        (local.set $m1 (v128.load (i32.add (local.get $s) (local.get $x1))))
        (local.set $m2 (v128.load (i32.add (local.get $s) (local.get $x2))))
        (local.set $m3 (v128.load (i32.add (local.get $s) (local.get $x3))))
        (local.set $m4 (v128.load (i32.add (local.get $s) (local.get $x4))))
        (local.set $m5 (v128.load (i32.add (local.get $s) (local.get $x5))))
        (local.set $m6 (v128.load (i32.add (local.get $s) (local.get $x6))))
        (local.set $m7 (v128.load (i32.add (local.get $s) (local.get $x7))))
        (local.set $m8 (v128.load (i32.add (local.get $s) (local.get $x8))))
        (local.set $m9 (v128.load (i32.add (local.get $s) (local.get $x9))))
        (local.set $m10 (v128.load (i32.add (local.get $s) (local.get $x10))))
        (local.set $m11 (v128.load (i32.add (local.get $s) (local.get $x11))))
        (local.set $m12 (v128.load (i32.add (local.get $s) (local.get $x12))))
        (local.set $m13 (v128.load (i32.add (local.get $s) (local.get $x13))))
        (local.set $m14 (v128.load (i32.add (local.get $s) (local.get $x14))))
        (local.set $m15 (v128.load (i32.add (local.get $s) (local.get $x15))))
        (local.set $s00 (f32x4.add (f32x4.add (local.get $m0) (local.get $m1)) (local.get $m2)))
        (local.set $s10 (f32x4.sub (f32x4.sub (local.get $m1) (local.get $m2)) (local.get $m3)))
        (local.set $s01 (f32x4.add (f32x4.add (local.get $m4) (local.get $m5)) (local.get $m6)))
        (local.set $s11 (f32x4.sub (f32x4.sub (local.get $m5) (local.get $m6)) (local.get $m7)))
        (local.set $s02 (f32x4.add (f32x4.add (local.get $m8) (local.get $m9)) (local.get $m10)))
        (local.set $s12 (f32x4.sub (f32x4.sub (local.get $m9) (local.get $m10)) (local.get $m11)))
        (local.set $s03 (f32x4.add (f32x4.add (local.get $m12) (local.get $m13)) (local.get $m14)))
        (local.set $s13 (f32x4.sub (f32x4.sub (local.get $m13) (local.get $m14)) (local.get $m15)))
        (local.set $y00 (f32x4.add (f32x4.add (local.get $s00) (local.get $s01)) (local.get $s02)))
        (local.set $y10 (f32x4.sub (f32x4.sub (local.get $s01) (local.get $s02)) (local.get $s03)))
        (local.set $y01 (f32x4.add (f32x4.add (local.get $s10) (local.get $s11)) (local.get $s12)))
        (local.set $y11 (f32x4.sub (f32x4.sub (local.get $s11) (local.get $s12)) (local.get $s13)))
        (local.set $grp (i32.add (local.get $g0) (local.get $q)))
      (local.set $p (i32.add (i32.add (local.get $dst) (i32.mul (local.get $o) (local.get $planeBytes))) (i32.add
        (i32.mul (i32.div_u (local.get $grp) (local.get $perRow)) (i32.shl (local.get $rowBytes) (i32.const 1)))
        (i32.shl (i32.rem_u (local.get $grp) (local.get $perRow)) (i32.const 5)))))
        (v128.store offset=0 (local.get $p) (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $y00) (local.get $y01)))
        (v128.store offset=16 (local.get $p) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $y00) (local.get $y01)))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (v128.store offset=0 (local.get $p) (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $y10) (local.get $y11)))
        (v128.store offset=16 (local.get $p) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $y10) (local.get $y11)))
        (br_if $group (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $groups))))
    (br_if $row (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 1))) (local.get $rows)))))

  ;; Large float32 elementwise ops (src/kernels/elementwise_wasm.ts), four lanes at a time, so
  ;; that ResNet's batch norm, residual adds and ReLUs cost a copy in and out of this memory
  ;; plus a vector pass (JavaScript's scalar loops were about 2 ns a value, a copy 0.1 ns), and
  ;; split over the worker pool by ranges. Each result is one float32 operation, which is what
  ;; binary.ts's loops store (a float32 sum or product computed in double and rounded once is
  ;; the correctly rounded float32 result), so the bits are the same.
  ;;
  ;; out[i] = a[i] op b[i·bStep] for i < n: op 0 add, 1 sub, 2 mul, 4 ReLU's gradient (a is dy,
  ;; b is relu's output y: dy where y > 0 or NaN, else +0, as relu_grad.ts's bit mask); bStep 1
  ;; (b as long as a) or 0 (one value: a scalar, or a channel's term over its plane). Byte offsets.
  (func (export "ew_binary") (param $op i32) (param $a i32) (param $b i32) (param $bStep i32) (param $out i32) (param $n i32)
    (local $i i32) (local $vn i32) (local $x v128) (local $y v128) (local $xs f32) (local $ys f32)
    (local.set $vn (i32.and (local.get $n) (i32.const -4)))
    (local.set $y (v128.load32_splat (local.get $b)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $vn)))
        (local.set $x (v128.load (local.get $a)))
        (if (local.get $bStep) (then (local.set $y (v128.load (local.get $b)))))
        (v128.store (local.get $out)
          (if (result v128) (i32.eqz (local.get $op))
            (then (f32x4.add (local.get $x) (local.get $y)))
            (else (if (result v128) (i32.eq (local.get $op) (i32.const 1))
              (then (f32x4.sub (local.get $x) (local.get $y)))
              (else (if (result v128) (i32.eq (local.get $op) (i32.const 2))
                (then (f32x4.mul (local.get $x) (local.get $y)))
                (else (v128.andnot (local.get $x) (f32x4.le (local.get $y) (v128.const i32x4 0 0 0 0))))))))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.shl (local.get $bStep) (i32.const 4))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vectors)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $xs (f32.load (local.get $a)))
        (local.set $ys (f32.load (local.get $b)))
        (f32.store (local.get $out)
          (if (result f32) (i32.eqz (local.get $op))
            (then (f32.add (local.get $xs) (local.get $ys)))
            (else (if (result f32) (i32.eq (local.get $op) (i32.const 1))
              (then (f32.sub (local.get $xs) (local.get $ys)))
              (else (if (result f32) (i32.eq (local.get $op) (i32.const 2))
                (then (f32.mul (local.get $xs) (local.get $ys)))
                (else (select (f32.const 0) (local.get $xs) (f32.le (local.get $ys) (f32.const 0))))))))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.shl (local.get $bStep) (i32.const 2))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; out[i] = a[i] < 0 ? +0 : a[i] for i < n, as unary.ts's reluFloat32 (NaN and -0 kept). Byte offsets.
  (func (export "ew_relu") (param $a i32) (param $out i32) (param $n i32)
    (local $i i32) (local $vn i32) (local $x v128) (local $xs f32)
    (local.set $vn (i32.and (local.get $n) (i32.const -4)))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.ge_u (local.get $i) (local.get $vn)))
        (local.set $x (v128.load (local.get $a)))
        (v128.store (local.get $out) (v128.andnot (local.get $x) (f32x4.lt (local.get $x) (v128.const i32x4 0 0 0 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vectors)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $xs (f32.load (local.get $a)))
        (f32.store (local.get $out) (select (f32.const 0) (local.get $xs) (f32.lt (local.get $xs) (f32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; Max pooling of `planes` planes at src (planeBytes apart, rows inW floats) over dense
  ;; windows (src/kernels/max_pool_wasm.ts): per output row oh the window's rows [h0, h1) are
  ;; the int32s at rows + 4·oh and rows + 4·(outH + oh), per output column likewise at cols;
  ;; the maximum goes to dst and its flat index h·inW + w within the plane to idx, outH·outW
  ;; of each per plane. As pool_util.ts's maxOverWindows: a tap replaces the best when it is
  ;; strictly greater or NaN (so the first maximum wins and NaN propagates), chosen by `select`
  ;; rather than a branch (which tap wins is a coin toss on real activations).
  (func (export "max_pool") (param $planes i32) (param $src i32) (param $planeBytes i32) (param $inW i32) (param $outH i32) (param $outW i32)
        (param $rows i32) (param $cols i32) (param $dst i32) (param $idx i32)
    (local $p i32) (local $oh i32) (local $ow i32) (local $h i32) (local $w i32) (local $h1 i32) (local $w0 i32) (local $w1 i32)
    (local $at i32) (local $best f32) (local $bestAt i32) (local $v f32) (local $take i32)
    (block $planes_done
      (loop $plane
        (br_if $planes_done (i32.ge_u (local.get $p) (local.get $planes)))
        (local.set $oh (i32.const 0))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $oh) (local.get $outH)))
            (local.set $h1 (i32.load (i32.add (local.get $rows) (i32.shl (i32.add (local.get $outH) (local.get $oh)) (i32.const 2)))))
            (local.set $ow (i32.const 0))
            (block $cols_done
              (loop $col
                (br_if $cols_done (i32.ge_u (local.get $ow) (local.get $outW)))
                (local.set $h (i32.load (i32.add (local.get $rows) (i32.shl (local.get $oh) (i32.const 2)))))
                (local.set $w0 (i32.load (i32.add (local.get $cols) (i32.shl (local.get $ow) (i32.const 2)))))
                (local.set $w1 (i32.load (i32.add (local.get $cols) (i32.shl (i32.add (local.get $outW) (local.get $ow)) (i32.const 2)))))
                (local.set $best (f32.const -inf))
                (local.set $bestAt (i32.add (i32.mul (local.get $h) (local.get $inW)) (local.get $w0)))
                (block $taps_done
                  (loop $tap_row
                    (br_if $taps_done (i32.ge_s (local.get $h) (local.get $h1)))
                    (local.set $w (local.get $w0))
                    (local.set $at (i32.add (i32.mul (local.get $h) (local.get $inW)) (local.get $w0)))
                    (block $tap_cols_done
                      (loop $tap
                        (br_if $tap_cols_done (i32.ge_s (local.get $w) (local.get $w1)))
                        (local.set $v (f32.load (i32.add (local.get $src) (i32.shl (local.get $at) (i32.const 2)))))
                        (local.set $take (i32.or (f32.gt (local.get $v) (local.get $best)) (f32.ne (local.get $v) (local.get $v))))
                        (local.set $best (select (local.get $v) (local.get $best) (local.get $take)))
                        (local.set $bestAt (select (local.get $at) (local.get $bestAt) (local.get $take)))
                        (local.set $at (i32.add (local.get $at) (i32.const 1)))
                        (local.set $w (i32.add (local.get $w) (i32.const 1)))
                        (br $tap)))
                    (local.set $h (i32.add (local.get $h) (i32.const 1)))
                    (br $tap_row)))
                (f32.store (local.get $dst) (local.get $best))
                (i32.store (local.get $idx) (local.get $bestAt))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
                (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
                (br $col)))
            (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
            (br $row)))
        (local.set $src (i32.add (local.get $src) (local.get $planeBytes)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $plane))))
)
