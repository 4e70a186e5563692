"""Content-defined chunking of large buffers (spec/FORMAT.md, "Chunked objects"): FastCDC 2020.

A large pickle stream or out-of-band buffer is cut where the content says (a rolling gear hash of the last bytes
matches a mask), not at fixed offsets, so a value that differs from a stored one in one region gets the same cuts
everywhere else and shares those chunks. Where the cuts fall only decides how much is shared, never what is
loaded (every chunk is named by its sha256), but every writer should cut the same way, so the parameters and the
algorithm are part of the spec, with vectors (spec/vectors/chunking.json) that every implementation here passes:

- ``pyfastcdc`` (an optional compiled dependency, ``pip install xetcache[chunking]``): ~1 GB/s, and its scan
  releases the GIL, so the writer hashes and writes chunks in other threads meanwhile;
- ``numpy``: the gear hash of every position at once (the masked bits depend only on the last 48 bytes), then the
  same sequential decisions over the few candidate positions; ~10x the pure-Python speed;
- pure Python: the reference, correct and slow (tens of seconds per GiB).

Parameters: FastCDC 2020 as the paper's reference code and pyfastcdc define it (its gear table, normalized
chunking level 1), min 128 KiB, average parameter 512 KiB (mean chunk ~640 KiB), max 2 MiB. Why that size: see
spec/FORMAT.md (each chunk is a Git LFS object; this keeps ~1,650 per GiB while a 1 % change of a large array
still shares ~98 % of it).
"""

from __future__ import annotations

import os
from typing import Any, Iterator, List, Optional

MIN_SIZE = 128 << 10
AVG_SIZE = 512 << 10
MAX_SIZE = 2 << 20
NORMALIZATION = 1
THRESHOLD = MAX_SIZE  # parts smaller than this stay whole objects (a chunk list would not share anything)

# FastCDC's masks by log2(size) (the paper's reference code; bits spread over the high half of the hash)
_MASKS = {18: 0x0000D90707537000, 19: 0x0000D91707537000, 20: 0x0000D91747537000}
_BITS = 19  # log2(AVG_SIZE)
MASK_S = _MASKS[_BITS + NORMALIZATION]  # before the average size: harder to match
MASK_L = _MASKS[_BITS - NORMALIZATION]  # after it: easier
WINDOW = 48  # the masks' highest bit is 47: a position's masked bits depend on its last 48 bytes only
_M48 = (1 << 48) - 1

# The gear table of the FastCDC paper's reference implementation (destor), as pyfastcdc and fastcdc-rs use it.
GEAR = (
    0x3B5D3C7D207E37DC, 0x784D68BA91123086, 0xCD52880F882E7298, 0xEACF8E4E19FDCCA7,
    0xC31F385DFBD1632B, 0x1D5F27001E25ABE6, 0x83130BDE3C9AD991, 0xC4B225676E9B7649,
    0xAA329B29E08EB499, 0xB67FCBD21E577D58, 0x0027BAAADA2ACF6B, 0xE3EF2D5AC73C2226,
    0x0890F24D6ED312B7, 0xA809E036851D7C7E, 0xF0A6FE5E0013D81B, 0x1D026304452CEC14,
    0x03864632648E248F, 0xCDAACF3DCD92B9B4, 0xF5E012E63C187856, 0x8862F9D3821C00B6,
    0xA82F7338750F6F8A, 0x1E583DC6C1CB0B6F, 0x7A3145B69743A7F1, 0xABB20FEE404807EB,
    0xB14B3CFE07B83A5D, 0xB9DC27898ADB9A0F, 0x3703F5E91BAA62BE, 0xCF0BB866815F7D98,
    0x3D9867C41EA9DCD3, 0x1BE1FA65442BF22C, 0x14300DA4C55631D9, 0xE698E9CBC6545C99,
    0x4763107EC64E92A5, 0xC65821FC65696A24, 0x76196C064822F0B7, 0x485BE841F3525E01,
    0xF652BC9C85974FF5, 0xCAD8352FACE9E3E9, 0x2A6ED1DCEB35E98E, 0xC6F483BADC11680F,
    0x3CFD8C17E9CF12F1, 0x89B83C5E2EA56471, 0xAE665CFD24E392A9, 0xEC33C4E504CB8915,
    0x3FB9B15FC9FE7451, 0xD7FD1FD1945F2195, 0x31ADE0853443EFD8, 0x255EFC9863E1E2D2,
    0x10EAB6008D5642CF, 0x46F04863257AC804, 0xA52DC42A789A27D3, 0xDAAADF9CE77AF565,
    0x6B479CD53D87FEBB, 0x6309E2D3F93DB72F, 0xC5738FFBAA1FF9D6, 0x6BD57F3F25AF7968,
    0x67605486D90D0A4A, 0xE14D0B9663BFBDAE, 0xB7BBD8D816EB0414, 0xDEF8A4F16B35A116,
    0xE7932D85AAAFFED6, 0x08161CBAE90CFD48, 0x855507BEB294F08B, 0x91234EA6FFD399B2,
    0xAD70CF4B2435F302, 0xD289A97565BC2D27, 0x8E558437FFCA99DE, 0x96D2704B7115C040,
    0x0889BBCDFC660E41, 0x5E0D4E67DC92128D, 0x72A9F8917063ED97, 0x438B69D409E016E3,
    0xDF4FED8A5D8A4397, 0x00F41DCF41D403F7, 0x4814EB038E52603F, 0x9DAFBACC58E2D651,
    0xFE2F458E4BE170AF, 0x4457EC414DF6A940, 0x06E62F1451123314, 0xBD1014D173BA92CC,
    0xDEF318E25ED57760, 0x9FEA0DE9DFCA8525, 0x459DE1E76C20624B, 0xAEEC189617E2D666,
    0x126A2C06AB5A83CB, 0xB1321532360F6132, 0x65421503DBB40123, 0x2D67C287EA089AB3,
    0x6C93BFF5A56BD6B6, 0x4FFB2036CAB6D98D, 0xCE7B785B1BE7AD4F, 0xEDB42EF6189FD163,
    0xDC905288703988F6, 0x365F9C1D2C691884, 0xC640583680D99BFE, 0x3CD4624C07593EC6,
    0x7F1EA8D85D7C5805, 0x014842D480B57149, 0x0B649BCB5A828688, 0xBCD5708ED79B18F0,
    0xE987C862FBD2F2F0, 0x982731671F0CD82C, 0xBAF13E8B16D8C063, 0x8EA3109CBD951BBA,
    0xD141045BFB385CAD, 0x2ACBC1A0AF1F7D30, 0xE6444D89DF03BFDF, 0xA18CC771B8188FF9,
    0x9834429DB01C39BB, 0x214ADD07FE086A1F, 0x8F07C19B1F6B3FF9, 0x56A297B1BF4FFE55,
    0x94D558E493C54FC7, 0x40BFC24C764552CB, 0x931A706F8A8520CB, 0x32229D322935BD52,
    0x2560D0F5DC4FEFAF, 0x9DBCC48355969BB6, 0x0FD81C3985C0B56A, 0xE03817E1560F2BDA,
    0xC1BB4F81D892B2D5, 0xB0C4864F4E28D2D7, 0x3ECC49F9D9D6C263, 0x51307E99B52BA65E,
    0x8AF2B688DA84A752, 0xF5D72523B91B20B6, 0x6D95FF1FF4634806, 0x562F21555458339A,
    0xC0CE47F889336346, 0x487823E5089B40D8, 0xE4727C7EBC6D9592, 0x5A8F7277E94970BA,
    0xFCA2F406B1C8BB50, 0x5B1F8A95F1791070, 0xD304AF9FC9028605, 0x5440AB7FC930E748,
    0x312D25FBCA2AB5A1, 0x10F4A4B234A4D575, 0x90301D55047E7473, 0x3B6372886C61591E,
    0x293402B77C444E06, 0x451F34A4D3E97DD7, 0x3158D814D81BC57B, 0x034942425B9BDA69,
    0xE2032FF9E532D9BB, 0x62AE066B8B2179E5, 0x9545E10C2F8D71D8, 0x7FF7483EB2D23FC0,
    0x00945FCEBDC98D86, 0x8764BBBE99B26CA2, 0x1B1EC62284C0BFC3, 0x58E0FCC4F0AA362B,
    0x5F4ABEFA878D458D, 0xFD74AC2F9607C519, 0xA4E3FB37DF8CBFA9, 0xBF697E43CAC574E5,
    0x86F14A3F68F4CD53, 0x24A23D076F1CE522, 0xE725CD8048868CC8, 0xBF3C729EB2464362,
    0xD8F6CD57B3CC1ED8, 0x6329E52425541577, 0x62AA688AD5AE1AC0, 0x0A242566269BF845,
    0x168B1A4753ACA74B, 0xF789AFEFFF2E7E3C, 0x6C3362093B6FCCDB, 0x4CE8F50BD28C09B2,
    0x006A2DB95AE8AA93, 0x975B0D623C3D1A8C, 0x18605D3935338C5B, 0x5BB6F6136CAD3C71,
    0x0F53A20701F8D8A6, 0xAB8C5AD2E7E93C67, 0x40B5AC5127ACAA29, 0x8C7BF63C2075895F,
    0x78BD9F7E014A805C, 0xB2C9E9F4F9C8C032, 0xEFD6049827EB91F3, 0x2BE459F482C16FBD,
    0xD92CE0C5745AAA8C, 0x0AAA8FB298D965B9, 0x2B37F92C6C803B15, 0x8C54A5E94E0F0E78,
    0x95F9B6E90C0A3032, 0xE7939FAA436C7874, 0xD16BFE8F6A8A40C9, 0x44982B86263FD2FA,
    0xE285FB39F984E583, 0x779A8DF72D7619D3, 0xF2D79A8DE8D5DD1E, 0xD1037354D66684E2,
    0x004C82A4E668A8E5, 0x31D40A7668B044E6, 0xD70578538BD02C11, 0xDB45431078C5F482,
    0x977121BB7F6A51AD, 0x73D5CCBD34EFF8DD, 0xE437A07D356E17CD, 0x47B2782043C95627,
    0x9FB251413E41D49A, 0xCCD70B60652513D3, 0x1C95B31E8A1B49B2, 0xCAE73DFD1BCB4C1B,
    0x34D98331B1F5B70F, 0x784E39F22338D92F, 0x18613D4A064DF420, 0xF1D8DAE25F0BCEBE,
    0x33F77C15AE855EFC, 0x3C88B3B912EB109C, 0x956A2EC96BAFEEA5, 0x1AA005B5E0AD0E87,
    0x5500D70527C4BB8E, 0xE36C57196421CC44, 0x13C4D286CC36EE39, 0x5654A23D818B2A81,
    0x77B1DC13D161ABDC, 0x734F44DE5F8D5EB5, 0x60717E174A6C89A2, 0xD47D9649266A211E,
    0x5B13A4322BB69E90, 0xF7669609F8B5FC3C, 0x21E6AC55BEDCDAC9, 0x9B56B62B61166DEA,
    0xF48F66B939797E9C, 0x35F332F9C0E6AE9A, 0xCC733F6A9A878DB0, 0x3DA161E41CC108C2,
    0xB7D74AE535914D51, 0x4D493B0B11D36469, 0xCE264D1DFBA9741A, 0xA9D1F2DC7436DC06,
    0x70738016604C2A27, 0x231D36E96E93F3D5, 0x7666881197838D19, 0x4A2A83090AAAD40C,
    0xF1E761591668B35D, 0x7363236497F730A7, 0x301080E37379DD4D, 0x502DEA2971827042,
    0xC2C5EB858F32625F, 0x786AFB9EDFAFBDFF, 0xDAEE0D868490B2A4, 0x617366B3268609F6,
    0xAE0E35A0FE46173E, 0xD1A07DE93E824F11, 0x079B8B115EA4CCA8, 0x93A99274558FAEBB,
    0xFB1E6E22E08A03B3, 0xEA635FDBA3698DD0, 0xCF53659328503A5C, 0xCDE3B31E6FD5D780,
    0x8E3E4221D3614413, 0xEF14D0D86BF1A22C, 0xE1D830D3F16C5DDB, 0xAABD2B2A451504E1,
)
_GEAR48 = tuple(g & _M48 for g in GEAR)


def _scan_bounds(remaining: int) -> "tuple[int, int, int, int]":
    """(start, middle, end, fallback cut) of one chunk's scan, as FastCDC 2020 does it (positions relative to the
    chunk's start; the scan is unrolled by two there, so the bounds are even)."""
    center = AVG_SIZE
    if remaining > MAX_SIZE:
        remaining = MAX_SIZE
    elif remaining < center:
        center = remaining
    return (MIN_SIZE // 2) * 2, (center // 2) * 2, (remaining // 2) * 2, remaining


def _cut_python(buf: memoryview, offset: int) -> int:
    """Length of the chunk starting at ``offset``. The hash covers bytes start..p; a match at p cuts before p."""
    remaining = len(buf) - offset
    if remaining <= MIN_SIZE:
        return remaining
    start, mid, end, fallback = _scan_bounds(remaining)
    gear, h, pos = _GEAR48, 0, start
    for b in bytes(buf[offset + start:offset + mid]):
        h = ((h << 1) + gear[b]) & _M48  # only bits below 48 are ever tested
        if not h & MASK_S:
            return pos
        pos += 1
    for b in bytes(buf[offset + mid:offset + end]):
        h = ((h << 1) + gear[b]) & _M48
        if not h & MASK_L:
            return pos
        pos += 1
    return fallback


def _lengths_python(buf: memoryview) -> List[int]:
    out, offset, n = [], 0, len(buf)
    while offset < n:
        cut = _cut_python(buf, offset)
        out.append(cut)
        offset += cut
    return out


def _lengths_pyfastcdc(buf: memoryview) -> List[int]:
    return [c.length for c in _compiled().cut_buf(buf)]


_cdc: Any = None


def _compiled() -> Any:
    global _cdc
    if _cdc is None:
        from pyfastcdc.cy import FastCDC  # the compiled one only: its pure-Python fallback is slower than ours

        _cdc = FastCDC(AVG_SIZE, min_size=MIN_SIZE, max_size=MAX_SIZE, normalized_chunking=NORMALIZATION)
    return _cdc


def _lengths_numpy(buf: memoryview) -> List[int]:
    """Exact FastCDC cuts with numpy: the hash of a position's last 48 bytes for every position (low 32 bits first,
    by doubling, as a filter; then all 48 bits at the ~1/1024 candidates), then the sequential walk in Python,
    which looks at the first 47 positions of each scan itself (there the hash covers fewer than 48 bytes)."""
    import numpy as np

    a = np.frombuffer(buf, dtype=np.uint8)
    n = len(a)
    cand = _candidates(np, a)
    gear48 = np.array(_GEAR48, dtype=np.uint64)
    hashes = np.zeros(len(cand), dtype=np.uint64)
    for k in range(WINDOW):
        idx = cand - k
        ok = idx >= 0
        hashes[ok] += gear48[a[idx[ok]]] << np.uint64(k)
    hashes &= np.uint64(_M48)
    s_pos = cand[(hashes & np.uint64(MASK_S)) == 0]
    l_pos = cand[(hashes & np.uint64(MASK_L)) == 0]
    out, offset = [], 0
    while offset < n:
        remaining = n - offset
        if remaining <= MIN_SIZE:
            out.append(remaining)
            break
        start, mid, end, fallback = _scan_bounds(remaining)
        cut = _first_exact(buf, offset, start, mid, end)  # positions where the hash is not yet a full window
        if cut is None:
            full = offset + start + WINDOW - 1  # from here on the hash is the window hash
            cut = _first_in(np, s_pos, max(full, offset + start), offset + mid)
            if cut is None:
                cut = _first_in(np, l_pos, max(full, offset + mid), offset + end)
            cut = fallback if cut is None else cut - offset
        out.append(cut)
        offset += cut
    return out


def _first_exact(buf: memoryview, offset: int, start: int, mid: int, end: int) -> Optional[int]:
    h, stop = 0, min(end, start + WINDOW - 1)
    for pos in range(start, stop):
        h = ((h << 1) + _GEAR48[buf[offset + pos]]) & _M48
        if not h & (MASK_S if pos < mid else MASK_L):
            return pos
    return None


def _first_in(np: Any, positions: Any, lo: int, hi: int) -> Optional[int]:
    if lo >= hi:
        return None
    i = int(np.searchsorted(positions, lo))
    return int(positions[i]) if i < len(positions) and positions[i] < hi else None


_BLOCK = 1 << 20


def _candidates(np: Any, a: Any) -> Any:
    """Sorted positions p >= 47 whose window hash has the low 32 bits of MASK_L clear (a superset of both masks'
    matches: MASK_L's bits are a subset of MASK_S's)."""
    g32 = np.array([g & 0xFFFFFFFF for g in GEAR], dtype=np.uint32)
    low = np.uint32(MASK_L & 0xFFFFFFFF)
    n, found = len(a), []
    acc = np.empty(_BLOCK + 32, dtype=np.uint32)
    tmp = np.empty(_BLOCK + 32, dtype=np.uint32)
    for s in range(0, n, _BLOCK):
        lo = max(0, s - 31)
        blk = a[lo:s + _BLOCK]
        m = len(blk)
        h = acc[:m]
        np.take(g32, blk, out=h)
        w = 1
        while w < 32:  # h[p] = sum over k < 2w of g[a[p-k]] << k (mod 2^32)
            t = tmp[:m - w]
            np.left_shift(h[:m - w], w, out=t)
            np.add(h[w:], t, out=h[w:])
            w *= 2
        np.bitwise_and(h, low, out=h)
        idx = np.flatnonzero(h[s - lo:] == 0) + s  # this block's own positions only
        found.append(idx[idx >= WINDOW - 1])
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def available() -> List[str]:
    """The implementations this process can run, fastest first."""
    names = []
    try:
        _compiled()
        names.append("pyfastcdc")
    except ImportError:
        pass
    try:
        import numpy  # noqa: F401

        names.append("numpy")
    except ImportError:
        pass
    return names + ["python"]


_IMPLS = {"pyfastcdc": _lengths_pyfastcdc, "numpy": _lengths_numpy, "python": _lengths_python}


def backend() -> str:
    """The implementation used (XETCACHE_CHUNKER may name one of available(); tests use it)."""
    want = os.environ.get("XETCACHE_CHUNKER")
    have = available()
    return want if want in have else have[0]


def iter_lengths(data: Any, impl: Optional[str] = None) -> Iterator[int]:
    """chunk_lengths, one at a time where the implementation allows (the compiled scan runs while the caller
    hashes and writes the chunks before)."""
    buf = memoryview(data).cast("B")
    if len(buf) == 0:
        return
    impl = impl or backend()
    if impl == "pyfastcdc":
        for c in _compiled().cut_buf(buf):
            yield c.length
    else:
        yield from _IMPLS[impl](buf)


def chunk_lengths(data: Any, impl: Optional[str] = None) -> List[int]:
    """The lengths of the chunks ``data`` (any contiguous buffer) is cut into; they add up to its size."""
    buf = memoryview(data).cast("B")
    if len(buf) == 0:
        return []
    return _IMPLS[impl or backend()](buf)
