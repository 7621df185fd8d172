namespace Analysis.Parquet.Encodings;

/// <summary>Reads values of up to 64 bits packed least significant bit first; past the end it reads zeros and reports it.</summary>
internal ref struct BitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private long _bitPos;

    /// <summary>Whether a read went past the data.</summary>
    public bool Overran { get; private set; }

    public readonly int BytePosition => (int)((_bitPos + 7) >> 3);

    public ulong Read(int width)
    {
        if (width == 0) return 0;
        ulong result = 0;
        int done = 0;
        while (done < width)
        {
            long byteIndex = _bitPos >> 3;
            int bitInByte = (int)(_bitPos & 7);
            int take = Math.Min(8 - bitInByte, width - done);
            ulong b;
            if (byteIndex < _data.Length) b = _data[(int)byteIndex];
            else { b = 0; Overran = true; }
            result |= ((b >> bitInByte) & ((1UL << take) - 1)) << done;
            done += take;
            _bitPos += take;
        }
        return result;
    }
}
