using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace Analysis.Runtime.Ort;

/// <summary>An ORT value over caller memory and the pin that keeps that memory in place; disposing releases both.</summary>
internal readonly struct OrtValueLease(OrtValue value, MemoryHandle pin) : IDisposable
{
    public OrtValue Value { get; } = value;

    public void Dispose()
    {
        Value?.Dispose();
        pin.Dispose();
    }
}
