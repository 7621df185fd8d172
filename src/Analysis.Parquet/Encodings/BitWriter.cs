using System.Buffers;

namespace Analysis.Parquet.Encodings;

/// <summary>Packs values of up to 64 bits, least significant bit first (Parquet's bit-packing order).</summary>
internal struct BitWriter(ArrayBufferWriter<byte> output)
{
    private ulong _acc;
    private int _bits;

    public void Write(ulong value, int width)
    {
        while (width > 0)
        {
            int chunk = Math.Min(width, 32);
            ulong part = chunk == 64 ? value : value & ((1UL << chunk) - 1);
            _acc |= part << _bits;
            _bits += chunk;
            value = chunk == 64 ? 0 : value >> chunk;
            width -= chunk;
            while (_bits >= 8)
            {
                output.GetSpan(1)[0] = (byte)_acc;
                output.Advance(1);
                _acc >>= 8;
                _bits -= 8;
            }
        }
    }

    /// <summary>Writes any partial byte, zero-padded.</summary>
    public void Flush()
    {
        if (_bits > 0) { output.GetSpan(1)[0] = (byte)_acc; output.Advance(1); }
        _acc = 0;
        _bits = 0;
    }
}
