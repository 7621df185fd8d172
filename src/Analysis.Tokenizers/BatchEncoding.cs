namespace Analysis.Tokenizers;

/// <summary>A padded batch: row-major <c>[Count, Length]</c> ids and attention mask, plus each row's unpadded encoding.</summary>
public sealed class BatchEncoding
{
    internal BatchEncoding(EncodedText[] rows, int length, int padId, Side padding)
    {
        Rows = rows;
        Length = length;
        Ids = new long[rows.Length * length];
        AttentionMask = new long[rows.Length * length];
        Positions = new int[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            var start = padding == Side.Left ? length - row.Count : 0;
            Positions[r] = start;
            var ids = Ids.AsSpan(r * length, length);
            ids.Fill(padId);
            for (var i = 0; i < row.Count; i++)
            {
                ids[start + i] = row.Ids[i];
                AttentionMask[r * length + start + i] = 1;
            }
        }
    }

    /// <summary>Number of rows.</summary>
    public int Count => Rows.Length;

    /// <summary>Padded length of every row.</summary>
    public int Length { get; }

    /// <summary>Token ids, row-major <c>[Count, Length]</c>, padded with the pad id.</summary>
    public long[] Ids { get; }

    /// <summary>1 for real tokens, 0 for padding, row-major <c>[Count, Length]</c>.</summary>
    public long[] AttentionMask { get; }

    /// <summary>Each row's truncated, unpadded encoding (ids, offsets, special mask).</summary>
    public EncodedText[] Rows { get; }

    /// <summary>Column at which each row's first real token sits (non-zero only with left padding).</summary>
    public int[] Positions { get; }
}
