using System.Buffers;

namespace Analysis.Runtime.Native;

/// <summary>An <c>OrtValue</c> over caller memory plus the pin that keeps that memory in place while ORT uses it.</summary>
internal readonly struct OrtValueLease(OrtHandle value, MemoryHandle pin) : IDisposable
{
    public nint Pointer => value.Pointer;

    /// <summary>Releases the value first (ORT stops looking at the memory), then unpins.</summary>
    public void Dispose()
    {
        value?.Dispose();
        pin.Dispose();
    }
}
