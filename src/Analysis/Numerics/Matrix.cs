namespace Analysis.Numerics;

/// <summary>A dense row-major matrix of floats: the in-memory form of a block of activations (rows = tokens).</summary>
public sealed class Matrix
{
    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>The row-major values, length Rows × Columns.</summary>
    public float[] Data { get; }

    /// <summary>Wraps existing row-major data (not copied).</summary>
    public Matrix(int rows, int columns, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (data.Length != (long)rows * columns)
            throw new ArgumentException($"Matrix data has {data.Length} values but {rows}×{columns} needs {(long)rows * columns}.", nameof(data));
        (Rows, Columns, Data) = (rows, columns, data);
    }

    /// <summary>A zero matrix.</summary>
    public Matrix(int rows, int columns) : this(rows, columns, new float[checked(rows * columns)]) { }

    /// <summary>One row as a span.</summary>
    public Span<float> Row(int i) => Data.AsSpan(i * Columns, Columns);

    /// <summary>The element at (i, j).</summary>
    public float this[int i, int j]
    {
        get => Data[i * Columns + j];
        set => Data[i * Columns + j] = value;
    }

    /// <summary>The rows at the given indices, copied into a new matrix.</summary>
    public Matrix SelectRows(ReadOnlySpan<int> indices)
    {
        var m = new Matrix(indices.Length, Columns);
        for (var i = 0; i < indices.Length; i++) Row(indices[i]).CopyTo(m.Row(i));
        return m;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first NaN or infinity, so bad activations never reach a solver.</summary>
    public void EnsureFinite(string what)
    {
        for (var i = 0; i < Data.Length; i++)
            if (!float.IsFinite(Data[i]))
                throw new BadInputException($"{what} contains {Data[i]} at row {i / Columns}, column {i % Columns}; remove or repair non-finite activations before analysis.");
    }
}
