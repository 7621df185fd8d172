using System.Runtime.InteropServices;

namespace Analysis.Runtime.Native;

/// <summary>Owns one native ONNX Runtime object and releases it with its own <c>Release*</c> function.</summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged[Cdecl]<nint, void> release;

    public OrtHandle(nint handle, delegate* unmanaged[Cdecl]<nint, void> release) : base(0, ownsHandle: true)
    {
        this.release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer; throws when the handle was already released.</summary>
    public nint Pointer => IsClosed ? throw new ObjectDisposedException("The ONNX Runtime object was already disposed.") : handle;

    protected override bool ReleaseHandle()
    {
        release(handle);
        return true;
    }
}
