using System.Buffers;

namespace Analysis.Parquet.Writing;

/// <summary>
/// Holds one column chunk's finished pages until its row group is written. Pages collect in memory; once more than
/// <c>memoryLimit</c> bytes would be held, they move to a temporary file beside the output. A chunk must be contiguous
/// in the file, so every column's pages wait until the row group ends; spilling keeps a writer's memory at about one
/// page per column instead of one row group (which for activations is up to <see cref="ParquetWriterOptions.RowGroupSize"/>).
/// A chunk whose turn in the file has come (<see cref="WriteThrough"/>) sends its pages straight to the output instead.
/// </summary>
internal sealed class ChunkBuffer(string spillPath, int memoryLimit) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _memory = new();
    private FileStream? _spill;
    private long _spilled;
    private Stream? _through;
    private long _throughStart, _throughBytes;

    /// <summary>Bytes of the current chunk: held in memory, spilled, or already written through.</summary>
    public long Length => _spilled + _memory.WrittenCount + _throughBytes;

    /// <summary>
    /// Writes this chunk's pages straight to <paramref name="output"/> from its current position until
    /// <see cref="MoveTo"/>; nothing else may be written to it meanwhile. Pages already held go first.
    /// </summary>
    public void WriteThrough(Stream output)
    {
        _throughStart = output.Position;
        _throughBytes = Length;
        MoveHeldTo(output);
        _through = output;
    }

    /// <summary>Adds a page: its header (and levels), then its values, which are not copied when they go to a file.</summary>
    public void AddPage(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        long bytes = head.Length + body.Length;
        if (_through is not null)
        {
            _through.Write(head);
            _through.Write(body);
            _throughBytes += bytes;
            return;
        }
        if (_memory.WrittenCount + bytes <= memoryLimit)
        {
            head.CopyTo(_memory.GetSpan(head.Length));
            _memory.Advance(head.Length);
            body.CopyTo(_memory.GetSpan(body.Length));
            _memory.Advance(body.Length);
            return;
        }
        // DeleteOnClose: the file goes away with the writer, also when it fails; a killed process leaves it under a
        // temporary name that the dataset tools sweep.
        _spill ??= new FileStream(spillPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _spill.Write(_memory.WrittenSpan);
        _spill.Write(head);
        _spill.Write(body);
        _spilled += _memory.WrittenCount + bytes;
        _memory.ResetWrittenCount();
    }

    /// <summary>
    /// Appends the chunk to <paramref name="destination"/> (unless it was written through) and empties the buffer for
    /// the next row group; returns the chunk's offset in <paramref name="destination"/>.
    /// </summary>
    public long MoveTo(Stream destination)
    {
        long start = _through is null ? destination.Position : _throughStart;
        if (_through is null) MoveHeldTo(destination);
        _through = null;
        _throughBytes = 0;
        return start;
    }

    private void MoveHeldTo(Stream destination)
    {
        if (_spilled > 0)
        {
            _spill!.Position = 0;
            _spill.CopyTo(destination, 1 << 20);
            _spill.SetLength(0);
            _spilled = 0;
        }
        destination.Write(_memory.WrittenSpan);
        _memory.ResetWrittenCount();
    }

    /// <summary>Closes and so deletes the spill file; a flush that fails (a full disk) must not stop that.</summary>
    public void Dispose()
    {
        try { _spill?.Dispose(); } catch (IOException) { }
    }
}
