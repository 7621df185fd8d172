namespace Analysis.Parquet.Format;

/// <summary>Page encodings (numbers match the format).</summary>
internal enum Encoding
{
    Plain = 0,
    PlainDictionary = 2,
    Rle = 3,
    BitPacked = 4,
    DeltaBinaryPacked = 5,
    DeltaLengthByteArray = 6,
    DeltaByteArray = 7,
    RleDictionary = 8,
    ByteStreamSplit = 9,
}

/// <summary>The spec's names for encodings, as tools print them.</summary>
internal static class EncodingNames
{
    public static string Name(this Encoding e) => e switch
    {
        Encoding.Plain => "PLAIN", Encoding.PlainDictionary => "PLAIN_DICTIONARY", Encoding.Rle => "RLE", Encoding.BitPacked => "BIT_PACKED",
        Encoding.DeltaBinaryPacked => "DELTA_BINARY_PACKED", Encoding.DeltaLengthByteArray => "DELTA_LENGTH_BYTE_ARRAY",
        Encoding.DeltaByteArray => "DELTA_BYTE_ARRAY", Encoding.RleDictionary => "RLE_DICTIONARY", Encoding.ByteStreamSplit => "BYTE_STREAM_SPLIT",
        _ => $"ENCODING_{(int)e}",
    };
}
