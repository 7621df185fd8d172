namespace Analysis.Parquet.Encodings;

/// <summary>Variable-length values stored back to back with an offsets array (no object per value).</summary>
internal sealed class ByteArrayBuilder
{
    public byte[] Data = new byte[256];
    public int[] Offsets = new int[65];
    public int Count;
    public int Length => Offsets[Count];

    public void Add(ReadOnlySpan<byte> value)
    {
        if (Count + 2 > Offsets.Length) Array.Resize(ref Offsets, Offsets.Length * 2);
        int end = Offsets[Count] + value.Length;
        if (end > Data.Length) Array.Resize(ref Data, Math.Max(end, Data.Length * 2));
        value.CopyTo(Data.AsSpan(Offsets[Count]));
        Offsets[++Count] = end;
    }

    public ReadOnlySpan<byte> this[int i] => Data.AsSpan(Offsets[i], Offsets[i + 1] - Offsets[i]);
}
