using System.Runtime.InteropServices;
using System.Text;

namespace Analysis.Runtime.Native;

/// <summary>A fixed list of strings as NUL-terminated UTF-8 in one native block (names ORT takes as <c>const char*</c>).</summary>
internal sealed unsafe class Utf8Strings : SafeHandle
{
    private readonly nint[] pointers;

    public Utf8Strings(IReadOnlyList<string> values) : base(0, ownsHandle: true)
    {
        var total = 0;
        foreach (var v in values) total += Encoding.UTF8.GetByteCount(v) + 1;
        var block = (byte*)NativeMemory.Alloc((nuint)Math.Max(total, 1));
        SetHandle((nint)block);
        pointers = new nint[values.Count];
        var at = block;
        for (var i = 0; i < values.Count; i++)
        {
            pointers[i] = (nint)at;
            var written = Encoding.UTF8.GetBytes(values[i], new Span<byte>(at, total - (int)(at - block)));
            at[written] = 0;
            at += written + 1;
        }
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The address of string <paramref name="index"/>.</summary>
    public nint this[int index] => IsClosed ? throw new ObjectDisposedException(nameof(Utf8Strings)) : pointers[index];

    protected override bool ReleaseHandle()
    {
        NativeMemory.Free((void*)handle);
        return true;
    }
}
