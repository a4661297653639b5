#!/usr/bin/env python3
"""Writes the loop methods of the four vector-loop files from one description of each family.

The middle lines of every family's step (FAM below) are written once; this script expands them
into VectorArrayLoops and VectorSegmentLoops (float slots) and VectorBf16ArrayLoops and
VectorBf16SegmentLoops (bf16 slots, widened on load and rounded on store). Each file keeps its
hand-written head (javadoc, imports); everything from its first loop method on is replaced.
The scalar kernels (ScalarStepKernels) are the reference the generated loops must match bit for
bit: KernelExactnessTest and Bf16KernelExactnessTest check them.

Run from the repository root: python3 tools/kernels/generate_loops.py
"""
import pathlib
import re

FAM = {
 'adam': ('invSqrtBc2', '''            FloatVector mi = b1.fma(LOAD(m, mo), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(LOAD(v, vo)));
            STORE(mi, m, mo);
            STORE(vi, v, vo);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));'''),
 'amsGrad': ('invSqrtBc2', '''            FloatVector mi = b1.fma(LOAD(m, mo), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(LOAD(v, vo)));
            FloatVector wi = LOAD(w, wo).max(vi);
            STORE(mi, m, mo);
            STORE(vi, v, vo);
            STORE(wi, w, wo);
            FloatVector u = step.mul(mi.div(wi.sqrt().fma(invSqrtBc2, eps)));'''),
 'eadam': (None, '''            FloatVector mi = b1.fma(LOAD(m, mo), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(LOAD(v, vo))).add(eps);
            STORE(mi, m, mo);
            STORE(vi, v, vo);
            FloatVector u = step.mul(mi.div(vi.sqrt()));'''),
 'adaBelief': ('invSqrtBc2', '''            FloatVector mi = b1.fma(LOAD(m, mo), c1.mul(gi));
            FloatVector di = gi.sub(mi);
            FloatVector vi = c2.mul(di).fma(di, b2.mul(LOAD(v, vo))).add(eps);
            STORE(mi, m, mo);
            STORE(vi, v, vo);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));'''),
 'adal': ('sqrtBc2', '''            gi = norm.mul(gi);
            FloatVector mi = b1.fma(LOAD(m, mo), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(LOAD(v, vo)));
            STORE(mi, m, mo);
            STORE(vi, v, vo);
            FloatVector q = sqrtBc2.div(vi.sqrt()).blend(0f, vi.compare(VectorOperators.EQ, 0f));
            FloatVector u = step.mul(mi.mul(q.add(eps)));'''),
}

def body(name, storage):
    extra, mid = FAM[name]
    if storage == 'array':
        sig = ('    static void %s(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,\n'
               '            float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {\n') % name
        load = lambda a, o: 'FloatVector.fromArray(SPECIES, %s, %s + i)' % (a, o)
        store = lambda x, a, o: '%s.intoArray(%s, %s + i)' % (x, a, o)
        head = ''
        pl, gl = load('p', 'po'), load('g', 'go')
        outst, pst = 'u.intoArray(out, oo + i)', 'pi.sub(u).intoArray(p, po + i)'
    else:
        sig = ('    static void %s(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,\n'
               '            MemorySegment m, MemorySegment v, MemorySegment w, long at, int n) {\n') % name
        load = lambda a, o: 'FloatVector.fromMemorySegment(SPECIES, %s, o, ORDER)' % a
        store = lambda x, a, o: '%s.intoMemorySegment(%s, o, ORDER)' % (x, a)
        head = '            final long o = at + (long) i * Float.BYTES;\n'
        pl, gl = load('p', ''), load('g', '')
        outst, pst = 'u.intoMemorySegment(out, o, ORDER)', 'pi.sub(u).intoMemorySegment(p, o, ORDER)'
    mid = re.sub(r'LOAD\((\w+), (\w+)\)', lambda mm: load(mm.group(1), mm.group(2)), mid)
    mid = re.sub(r'STORE\((\w+), (\w+), (\w+)\)', lambda mm: store(mm.group(1), mm.group(2), mm.group(3)), mid)
    consts = ['k = FloatVector.broadcast(SPECIES, s.gradScale)',
              'lambda = FloatVector.broadcast(SPECIES, s.weightDecay)',
              'rate = FloatVector.broadcast(SPECIES, s.decayRate)']
    if name == 'adal':
        consts.append('norm = FloatVector.broadcast(SPECIES, s.gradNormScale)')
    consts += ['b1 = FloatVector.broadcast(SPECIES, s.beta1)', 'c1 = FloatVector.broadcast(SPECIES, s.gradCoeff)',
               'b2 = FloatVector.broadcast(SPECIES, s.beta2)', 'c2 = FloatVector.broadcast(SPECIES, s.gradSquareCoeff)',
               'eps = FloatVector.broadcast(SPECIES, s.eps)']
    if extra:
        consts.append('%s = FloatVector.broadcast(SPECIES, s.%s)' % (extra, extra))
    consts.append('step = FloatVector.broadcast(SPECIES, s.stepSize)')
    text = sig
    for c in consts:
        text += '        final FloatVector %s;\n' % c
    text += ('        final boolean scaled = s.gradScale != 1f, coupled = s.coupledDecay, decoupled = s.decoupledDecay;\n'
             '        final boolean toOut = out != null;\n'
             '        for (int i = 0; i < n; i += LANES) {\n' + head +
             '            FloatVector pi = %s;\n' % pl +
             '            FloatVector gi = %s;\n' % gl +
             '            if (scaled) gi = gi.mul(k);\n'
             '            if (coupled) gi = lambda.fma(pi, gi);\n' + mid + '\n'
             '            if (decoupled) u = rate.fma(pi, u);\n'
             '            if (toOut) %s; else %s;\n' % (outst, pst) +
             '        }\n    }\n')
    return text
# Written out in the loop, not called: C2 refused to inline helper methods this size into the loop
# (the vectors were then boxed, 16 bytes per element).
WIDEN = ('((IntVector) %s\n                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16)'
         '.reinterpretAsFloats()')
def ROUND(x, r):
    # NaN lanes: the quiet bit set and nothing added, so that (bits >>> 16) | QUIET_BIT is kept.
    n = x + 'NaN'
    return ('VectorMask<Integer> %s = %s.compare(VectorOperators.NE, %s).cast(INTS);\n'
            '            ((ShortVector) %s.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, %s)\n'
            '                    .add(%s.blend(0, %s)).lanewise(VectorOperators.LSHR, 16)\n'
            '                    .convertShape(VectorOperators.I2S, SHORTS, 0))') % (n, x, x, x, n, r, n)
RANDOM = ('            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);\n'
          '            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));\n'
          '            weyl = weyl.add(WEYL_STRIDE);\n')

def bf16_body(name, storage):
    extra, mid = FAM[name]
    if storage == 'array':
        sig = ('    static void %s(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,\n'
               '            short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n) {\n') % name
        fl = lambda a, o: 'FloatVector.fromArray(SPECIES, %s, %s + i)' % (a, o)
        load = lambda a, o: WIDEN % ('ShortVector.fromArray(SHORTS, %s, %s + i)' % (a, o))
        store = lambda x, a, o, r: ROUND(x, r) + '.intoArray(%s, %s + i)' % (a, o)
        head = RANDOM
        first = 'index'
        pl, gl = fl('p', 'po'), fl('g', 'go')
        outst, pst = 'u.intoArray(out, oo + i)', 'pi.sub(u).intoArray(p, po + i)'
    else:
        sig = ('    static void %s(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,\n'
               '            MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {\n') % name
        fl = lambda a, o: 'FloatVector.fromMemorySegment(SPECIES, %s, o, ORDER)' % a
        load = lambda a, o: WIDEN % ('ShortVector.fromMemorySegment(SHORTS, %s, h, ORDER)' % a)
        store = lambda x, a, o, r: ROUND(x, r) + '.intoMemorySegment(%s, h, ORDER)' % a
        head = ('            final long e = from + i, o = e * Float.BYTES, h = e * Short.BYTES;\n'
                + RANDOM)
        first = '(int) from'
        pl, gl = fl('p', ''), fl('g', '')
        outst, pst = 'u.intoMemorySegment(out, o, ORDER)', 'pi.sub(u).intoMemorySegment(p, o, ORDER)'
    bits = {'m': 'low', 'v': 'high', 'w': 'high'}
    mid = re.sub(r'LOAD\((\w+), (\w+)\)', lambda mm: load(mm.group(1), mm.group(2)), mid)
    mid = re.sub(r'STORE\((\w+), (\w+), (\w+)\)',
                 lambda mm: store(mm.group(1), mm.group(2), mm.group(3), bits[mm.group(2)]), mid)
    consts = ['k = FloatVector.broadcast(SPECIES, s.gradScale)',
              'lambda = FloatVector.broadcast(SPECIES, s.weightDecay)',
              'rate = FloatVector.broadcast(SPECIES, s.decayRate)']
    if name == 'adal':
        consts.append('norm = FloatVector.broadcast(SPECIES, s.gradNormScale)')
    consts += ['b1 = FloatVector.broadcast(SPECIES, s.beta1)', 'c1 = FloatVector.broadcast(SPECIES, s.gradCoeff)',
               'b2 = FloatVector.broadcast(SPECIES, s.beta2)', 'c2 = FloatVector.broadcast(SPECIES, s.gradSquareCoeff)',
               'eps = FloatVector.broadcast(SPECIES, s.eps)']
    if extra:
        consts.append('%s = FloatVector.broadcast(SPECIES, s.%s)' % (extra, extra))
    consts.append('step = FloatVector.broadcast(SPECIES, s.stepSize)')
    text = sig
    for c in consts:
        text += '        final FloatVector %s;\n' % c
    text += ('        final boolean scaled = s.gradScale != 1f, coupled = s.coupledDecay, decoupled = s.decoupledDecay;\n'
             '        final boolean toOut = out != null;\n'
             '        IntVector weyl = LANE_INDEX.add(%s).mul(WEYL).add(s.roundingKey);\n' % first +
             '        for (int i = 0; i < n; i += LANES) {\n' + head +
             '            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);\n'
             '            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);\n'
             '            FloatVector pi = %s;\n' % pl +
             '            FloatVector gi = %s;\n' % gl +
             '            if (scaled) gi = gi.mul(k);\n'
             '            if (coupled) gi = lambda.fma(pi, gi);\n' + mid + '\n'
             '            if (decoupled) u = rate.fma(pi, u);\n'
             '            if (toOut) %s; else %s;\n' % (outst, pst) +
             '        }\n    }\n')
    return text

KERNEL = pathlib.Path('src/main/java/io/github/fusedopt/kernel')
FILES = {'VectorArrayLoops.java': (body, 'array'), 'VectorSegmentLoops.java': (body, 'segment'),
         'VectorBf16ArrayLoops.java': (bf16_body, 'array'), 'VectorBf16SegmentLoops.java': (bf16_body, 'segment')}

for name, (make, storage) in FILES.items():
    path = KERNEL / name
    text = path.read_text()
    head = text[:text.index('    static void adam(')]
    path.write_text(head + '\n'.join(make(family, storage) for family in FAM) + '}\n')
