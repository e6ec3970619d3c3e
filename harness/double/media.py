"""Tiny but real media files for doubles to hand out: PNG, WebP, MP4.

An app under test may open what a provider returns (decode the image, probe
the video, make a thumbnail), so the bytes must be real files, not noise
with a content type. Each is a solid colour, made in code:

- PNG: one IDAT of unfiltered rows.
- WebP: lossless (VP8L) with one single-symbol prefix code per channel, so
  every pixel costs zero bits and any size is a dozen bytes.
- MP4: ISO BMFF (ftyp, moov, mdat) holding H.264 Constrained Baseline in
  which every macroblock is I_PCM (raw samples), so no encoder is needed
  and any H.264 decoder plays it. One IDR frame per second.
- Audio: a sine tone as raw PCM (16-bit little-endian mono), the same in a
  WAV (RIFF) file, and MP3 as silent MPEG-1 Layer III frames (a frame whose
  side information is all zero decodes to silence).
"""

from __future__ import annotations

import math
import struct
import zlib

RGB = tuple[int, int, int]


# --- PNG -------------------------------------------------------------------------------------


def png(width: int, height: int, rgb: RGB) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then RGB triples
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


# --- bit writers -----------------------------------------------------------------------------


class _LsbBits:
    """Bits packed least-significant first (WebP)."""

    def __init__(self) -> None:
        self.value, self.count = 0, 0

    def put(self, value: int, bits: int) -> None:
        self.value |= (value & ((1 << bits) - 1)) << self.count
        self.count += bits

    def bytes(self) -> bytes:
        return self.value.to_bytes((self.count + 7) // 8, "little")


class _MsbBits:
    """Bits packed most-significant first, with Exp-Golomb codes (H.264)."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def put(self, value: int, bits: int) -> None:
        self.bits.extend((value >> i) & 1 for i in range(bits - 1, -1, -1))

    def ue(self, value: int) -> None:
        code = value + 1
        self.put(0, code.bit_length() - 1)
        self.put(code, code.bit_length())

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self) -> None:
        while len(self.bits) % 8:
            self.bits.append(0)

    def trailing(self) -> None:
        self.bits.append(1)
        self.align_zero()

    def raw(self, data: bytes) -> None:
        assert len(self.bits) % 8 == 0
        for byte in data:
            self.put(byte, 8)

    def bytes(self) -> bytes:
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return int("".join(map(str, bits)) or "0", 2).to_bytes(len(bits) // 8, "big")


# --- WebP ------------------------------------------------------------------------------------


def webp(width: int, height: int, rgb: RGB) -> bytes:
    bits = _LsbBits()
    bits.put(0x2F, 8)  # VP8L signature
    bits.put(width - 1, 14)
    bits.put(height - 1, 14)
    bits.put(0, 1)  # alpha not used
    bits.put(0, 3)  # version 0
    bits.put(0, 1)  # no transforms
    bits.put(0, 1)  # no colour cache
    bits.put(0, 1)  # no meta prefix codes
    # green, red, blue, alpha, distance: each a "simple" code with one 8-bit symbol
    for symbol in (rgb[1], rgb[0], rgb[2], 255, 0):
        bits.put(1, 1)  # simple code
        bits.put(0, 1)  # one symbol
        bits.put(1, 1)  # written in 8 bits
        bits.put(symbol, 8)
    data = bits.bytes()  # pixels: zero bits each with one-symbol codes
    if len(data) % 2:
        data += b"\x00"
    chunk = b"VP8L" + struct.pack("<I", len(bits.bytes())) + data
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


# --- H.264 (I_PCM) ---------------------------------------------------------------------------


def _nal(kind: int, rbsp: bytes) -> bytes:
    """A NAL unit (nal_ref_idc 3) with emulation prevention applied."""
    out, zeros = bytearray([0x60 | kind]), 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def _sps(mbs_wide: int, mbs_high: int, crop_right: int, crop_bottom: int) -> bytes:
    b = _MsbBits()
    b.put(66, 8)  # profile: Baseline
    b.put(0xC0, 8)  # constraint_set0/1: Constrained Baseline
    b.put(30, 8)  # level 3.0
    b.ue(0)  # seq_parameter_set_id
    b.ue(0)  # log2_max_frame_num_minus4
    b.ue(2)  # pic_order_cnt_type 2: output order = decode order
    b.ue(1)  # max_num_ref_frames
    b.put(0, 1)  # gaps_in_frame_num_value_allowed_flag
    b.ue(mbs_wide - 1)
    b.ue(mbs_high - 1)
    b.put(1, 1)  # frame_mbs_only_flag
    b.put(1, 1)  # direct_8x8_inference_flag
    cropped = bool(crop_right or crop_bottom)
    b.put(int(cropped), 1)
    if cropped:  # offsets in 2-pixel units for 4:2:0
        b.ue(0)
        b.ue(crop_right // 2)
        b.ue(0)
        b.ue(crop_bottom // 2)
    b.put(0, 1)  # no VUI
    b.trailing()
    return _nal(7, b.bytes())


def _pps() -> bytes:
    b = _MsbBits()
    b.ue(0)  # pic_parameter_set_id
    b.ue(0)  # seq_parameter_set_id
    b.put(0, 1)  # CAVLC
    b.put(0, 1)  # bottom_field_pic_order_in_frame_present_flag
    b.ue(0)  # one slice group
    b.ue(0)  # num_ref_idx_l0/l1_default_active_minus1
    b.ue(0)
    b.put(0, 1)  # no weighted prediction
    b.put(0, 2)
    b.se(0)  # pic_init_qp/qs_minus26, chroma_qp_index_offset
    b.se(0)
    b.se(0)
    b.put(0, 1)  # deblocking_filter_control_present_flag
    b.put(0, 1)  # constrained_intra_pred_flag
    b.put(0, 1)  # redundant_pic_cnt_present_flag
    b.trailing()
    return _nal(8, b.bytes())


def _yuv(rgb: RGB) -> tuple[int, int, int]:
    """BT.601 limited range; samples stay within 16..240, never 0."""
    r, g, b = rgb
    y = 16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256
    cb = 128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256
    cr = 128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256
    return tuple(max(16, min(240, round(v))) for v in (y, cb, cr))  # type: ignore[return-value]


def _idr_slice(mb_count: int, rgb: RGB, idr_id: int) -> bytes:
    y, cb, cr = _yuv(rgb)
    macroblock = bytes([y]) * 256 + bytes([cb]) * 64 + bytes([cr]) * 64
    b = _MsbBits()
    b.ue(0)  # first_mb_in_slice
    b.ue(7)  # slice_type: I (all slices)
    b.ue(0)  # pic_parameter_set_id
    b.put(0, 4)  # frame_num
    b.ue(idr_id)  # idr_pic_id: differs between neighbouring IDRs
    b.put(0, 1)  # no_output_of_prior_pics, long_term_reference
    b.put(0, 1)
    b.se(0)  # slice_qp_delta
    for _ in range(mb_count):
        b.ue(25)  # mb_type I_PCM
        b.align_zero()  # pcm_alignment_zero_bit
        b.raw(macroblock)
    b.trailing()
    return _nal(5, b.bytes())


def _box(kind: bytes, *parts: bytes) -> bytes:
    payload = b"".join(parts)
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full_box(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


_MATRIX = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)


def mp4(width: int, height: int, seconds: int, rgb: RGB, created: int = 0) -> bytes:
    """An H.264 MP4 of `seconds` one-second frames; width and height even.

    `created` is seconds since 1970 (stored since 1904, as MP4 counts).
    """
    if width % 2 or height % 2 or width <= 0 or height <= 0:
        raise ValueError(f"width and height must be positive and even, got {width}x{height}")
    seconds = max(1, int(seconds))
    mbs_wide, mbs_high = -(-width // 16), -(-height // 16)
    sps = _sps(mbs_wide, mbs_high, mbs_wide * 16 - width, mbs_high * 16 - height)
    pps = _pps()
    samples = []
    for frame in range(seconds):
        shade = tuple(min(255, c + 8 * (frame % 4)) for c in rgb)  # a visible tick each second
        nal = _idr_slice(mbs_wide * mbs_high, shade, frame % 2)  # type: ignore[arg-type]
        samples.append(struct.pack(">I", len(nal)) + nal)

    timescale, when = 1000, created + 2_082_844_800
    duration = seconds * timescale
    avcc = _box(
        b"avcC",
        bytes([1, 66, 0xC0, 30, 0xFF, 0xE1]),
        struct.pack(">H", len(sps)),
        sps,
        bytes([1]),
        struct.pack(">H", len(pps)),
        pps,
    )
    avc1 = _box(
        b"avc1",
        bytes(6),
        struct.pack(">H", 1),
        bytes(16),
        struct.pack(">HH", width, height),
        struct.pack(">II", 0x00480000, 0x00480000),
        bytes(4),
        struct.pack(">H", 1),
        bytes([4]) + b"h264".ljust(31, b"\x00"),
        struct.pack(">Hh", 0x18, -1),
        avcc,
    )

    def moov(chunk_offset: int) -> bytes:
        stbl = _box(
            b"stbl",
            _full_box(b"stsd", 0, 0, struct.pack(">I", 1), avc1),
            _full_box(b"stts", 0, 0, struct.pack(">III", 1, seconds, timescale)),
            _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, seconds, 1)),
            _full_box(
                b"stsz", 0, 0, struct.pack(">II", 0, seconds), b"".join(struct.pack(">I", len(s)) for s in samples)
            ),
            _full_box(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
        )
        minf = _box(
            b"minf",
            _full_box(b"vmhd", 0, 1, bytes(8)),
            _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1))),
            stbl,
        )
        mdia = _box(
            b"mdia",
            _full_box(
                b"mdhd", 0, 0, struct.pack(">IIII", when, when, timescale, duration), struct.pack(">HH", 0x55C4, 0)
            ),  # language "und"
            _full_box(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"VideoHandler\x00"),
            minf,
        )
        tkhd = _full_box(
            b"tkhd",
            0,
            3,
            struct.pack(">IIIII", when, when, 1, 0, duration),
            bytes(8),
            struct.pack(">hhhH", 0, 0, 0, 0),
            _MATRIX,
            struct.pack(">II", width << 16, height << 16),
        )
        mvhd = _full_box(
            b"mvhd",
            0,
            0,
            struct.pack(">IIIIIH", when, when, timescale, duration, 0x00010000, 0x0100),
            bytes(10),
            _MATRIX,
            bytes(24),
            struct.pack(">I", 2),
        )
        return _box(b"moov", mvhd, _box(b"trak", tkhd, mdia))

    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 512), b"isomiso2avc1mp41")
    header_length = len(ftyp) + len(moov(0)) + 8
    return ftyp + moov(header_length) + _box(b"mdat", *samples)


def boxes(data: bytes) -> list[tuple[str, int]]:
    """Top-level (type, size) of an ISO BMFF file; for checks and tests."""
    out, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size < 8:
            break
        out.append((kind.decode("latin-1"), size))
        pos += size
    return out


# --- audio -----------------------------------------------------------------------------------


def pcm(seconds: float, rate: int = 24_000, hertz: float = 440.0) -> bytes:
    """A quiet sine tone: signed 16-bit little-endian mono samples."""
    count = max(1, int(seconds * rate))
    return struct.pack(f"<{count}h", *(int(3000 * math.sin(2 * math.pi * hertz * i / rate)) for i in range(count)))


def wav(samples: bytes, rate: int = 24_000) -> bytes:
    """16-bit mono PCM samples in a RIFF/WAVE file."""
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)  # PCM, mono, rate, byte rate, align, bits
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body


def wav_seconds(data: bytes) -> float | None:
    """How long a WAV file plays, from its header; None when the bytes are not a WAV file."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    at, byte_rate, length = 12, 0, None
    while at + 8 <= len(data):
        kind, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        if kind == b"fmt " and size >= 16:
            byte_rate = struct.unpack("<I", data[at + 16 : at + 20])[0]
        elif kind == b"data":
            length = min(size, len(data) - at - 8)
            break
        at += 8 + size + (size % 2)
    return length / byte_rate if byte_rate and length is not None else None


def mp3(seconds: float) -> bytes:
    """Silent MPEG-1 Layer III at 128 kbit/s, 44.1 kHz: 417-byte frames of 1,152 samples."""
    header = bytes((0xFF, 0xFB, 0x90, 0x64))  # sync, MPEG-1, layer III, no CRC, 128k, 44.1k, no padding, joint
    frames = max(1, math.ceil(seconds * 44_100 / 1152))
    return (header + bytes(417 - len(header))) * frames
