using System.Buffers;

namespace Analysis.Parquet.Writing;

/// <summary>
/// Holds one column chunk's finished pages until its row group is written. Pages collect in memory; once more than
/// <c>memoryLimit</c> bytes are held, they move to a temporary file beside the output. A chunk must be contiguous in the
/// file, so every column's pages wait until the row group ends; spilling keeps a writer's memory at about one page per
/// column instead of one row group (which for activations is up to <see cref="ParquetWriterOptions.RowGroupSize"/>).
/// </summary>
internal sealed class ChunkBuffer(string spillPath, int memoryLimit) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _memory = new(1 << 16);
    private FileStream? _spill;
    private long _spilled;

    /// <summary>Where the next page goes; call <see cref="EndPage"/> after writing it.</summary>
    public ArrayBufferWriter<byte> Pending => _memory;

    /// <summary>Bytes held for the current chunk, in memory and spilled.</summary>
    public long Length => _spilled + _memory.WrittenCount;

    /// <summary>Moves the pending pages to the spill file once they pass the memory limit.</summary>
    public void EndPage()
    {
        if (_memory.WrittenCount < memoryLimit) return;
        // DeleteOnClose: the file goes away with the writer, also when it fails; a killed process leaves it under a
        // temporary name that the dataset tools sweep.
        _spill ??= new FileStream(spillPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _spill.Write(_memory.WrittenSpan);
        _spilled += _memory.WrittenCount;
        _memory.ResetWrittenCount();
    }

    /// <summary>Appends the chunk to <paramref name="destination"/> and empties the buffer for the next row group.</summary>
    public void MoveTo(Stream destination)
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
