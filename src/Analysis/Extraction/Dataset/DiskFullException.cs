namespace Analysis.Extraction.Dataset;

/// <summary>
/// The device holding a dataset ran out of space. The message is complete: which file, which directory, what is kept,
/// and what to do (free space and rerun the same command, which resumes), so the CLI prints it without a stack-trace hint.
/// </summary>
public sealed class DiskFullException(string message, IOException inner) : IOException(message, inner)
{
    // .NET puts the errno (Unix) or the Win32 error (in an HRESULT) in HResult; the low 16 bits are the code either way.
    private const int NoSpace = 28, QuotaExceeded = 122; // ENOSPC, EDQUOT (Linux)
    private const int WindowsDiskFull = 0x70, WindowsHandleDiskFull = 0x27; // ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL

    /// <summary>Whether <paramref name="e"/> reports that the device (or the user's quota) is full.</summary>
    public static bool IsDiskFull(IOException e)
    {
        int code = e.HResult & 0xFFFF;
        return OperatingSystem.IsWindows() ? code is WindowsDiskFull or WindowsHandleDiskFull : code is NoSpace or QuotaExceeded;
    }
}
