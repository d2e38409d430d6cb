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
      (br_if $panel (local.tee $panels (i32.sub (local.get $panels) (i32.const 1)))))))
