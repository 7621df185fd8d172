using System.Runtime.InteropServices;

namespace Analysis.Onnx;

/// <summary>Creates a hard link (a second name for the same file, so no bytes are copied), where the OS allows it.</summary>
internal static partial class HardLink
{
    public static bool TryCreate(string existing, string link)
    {
        try
        {
            return OperatingSystem.IsWindows() ? CreateHardLinkW(link, existing, 0) : LinkPosix(existing, link) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkPosix(string existing, string link);

    [LibraryImport("kernel32", StringMarshalling = StringMarshalling.Utf16)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CreateHardLinkW(string link, string existing, nint securityAttributes);
}
