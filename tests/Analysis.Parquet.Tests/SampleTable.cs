namespace Analysis.Parquet.Tests;

/// <summary>Random columns of every writer kind, with nulls, NaN, infinities and non-ASCII text, from a seed.</summary>
internal sealed class SampleTable
{
    public const int Dim = 5, HalfDim = 4;
    public readonly long[] Id;
    public readonly int[] Pos;
    public readonly bool[] PosPresent;
    public readonly string?[] Tok;
    public readonly float[] Vec;
    public readonly Half[] HalfVec;
    public readonly bool[] HalfPresent;
    public readonly bool[] Flag;
    public readonly double[] D;
    public readonly float[] F;
    public readonly int[] Day;
    public readonly long[] Micros;
    public int Rows => Id.Length;

    public static readonly ParquetField[] Fields =
    [
        ParquetField.Int64("id"), ParquetField.Int32("pos", nullable: true), ParquetField.String("tok", nullable: true),
        ParquetField.FloatVector("vec", Dim), ParquetField.Float16Vector("half", HalfDim, nullable: true), ParquetField.Boolean("flag"),
        ParquetField.Double("d"), ParquetField.Float("f"), ParquetField.Date("day"), ParquetField.Timestamp("ts"),
    ];

    public SampleTable(int rows, int seed)
    {
        var rng = new Random(seed);
        string[] words = ["the", "Ünïcødé", "日本語", "", "a'b\"c", "emoji 🙂", "x"];
        Id = new long[rows]; Pos = new int[rows]; PosPresent = new bool[rows]; Tok = new string?[rows];
        Vec = new float[rows * Dim]; HalfVec = new Half[rows * HalfDim]; HalfPresent = new bool[rows]; Flag = new bool[rows];
        D = new double[rows]; F = new float[rows]; Day = new int[rows]; Micros = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            Id[i] = rng.NextInt64(long.MinValue / 2, long.MaxValue / 2);
            Pos[i] = rng.Next(int.MinValue, int.MaxValue);
            PosPresent[i] = rng.Next(4) != 0;
            Tok[i] = rng.Next(5) == 0 ? null : words[rng.Next(words.Length)] + rng.Next(100);
            for (int k = 0; k < Dim; k++) Vec[i * Dim + k] = (float)(rng.NextDouble() * 200 - 100);
            for (int k = 0; k < HalfDim; k++) HalfVec[i * HalfDim + k] = (Half)(rng.NextDouble() * 20 - 10);
            HalfPresent[i] = rng.Next(3) != 0;
            Flag[i] = rng.Next(2) == 0;
            D[i] = (i % 17) switch { 3 => double.NaN, 5 => double.PositiveInfinity, 7 => -0.0, _ => rng.NextDouble() * 1e6 - 5e5 };
            F[i] = (float)(rng.NextDouble() - 0.5);
            Day[i] = rng.Next(-20000, 40000);
            Micros[i] = rng.NextInt64(-1_000_000_000_000_000, 4_000_000_000_000_000);
        }
    }

    /// <summary>Writes rows [start, start+count) as one batch.</summary>
    public void WriteBatch(ParquetWriter w, int start, int count)
    {
        var r = new Range(start, start + count);
        w.WriteInt64("id", Id[r]);
        w.WriteInt32("pos", Pos[r], PosPresent[r]);
        w.WriteStrings("tok", Tok[r]);
        w.WriteFloatVectors("vec", Vec.AsSpan(start * Dim, count * Dim));
        w.WriteHalfVectors("half", HalfVec.AsSpan(start * HalfDim, count * HalfDim), HalfPresent[r]);
        w.WriteBoolean("flag", Flag[r]);
        w.WriteDouble("d", D[r]);
        w.WriteFloat("f", F[r]);
        w.WriteInt32("day", Day[r]);
        w.WriteInt64("ts", Micros[r]);
        w.EndBatch();
    }

    /// <summary>Writes the table in batches; those for which <paramref name="ownRowGroup"/> holds start with BeginRowGroup.</summary>
    public void WriteFile(string path, ParquetWriterOptions options, int batch = 97, Func<int, bool>? ownRowGroup = null)
    {
        using var w = ParquetWriter.Create(path, Fields, options);
        for (int s = 0, b = 0; s < Rows; s += batch, b++)
        {
            if (ownRowGroup?.Invoke(b) == true) w.BeginRowGroup();
            WriteBatch(w, s, Math.Min(batch, Rows - s));
        }
        w.Finish();
    }
}
