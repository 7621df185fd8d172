using System.Runtime.InteropServices;

namespace Analysis.Runtime.Tests;

/// <summary>
/// Measures native memory of this process: resident set size from /proc/self/status, and the bytes glibc's malloc
/// has handed out and not got back (mallinfo2: uordblks + hblkhd, over all arenas) — the exact measure of live
/// native allocations, free of the GC's and the allocator's page-level noise.
/// </summary>
internal static partial class NativeMemory
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 MallInfo();

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>Collects managed garbage (running finalizers, which release any undisposed SafeHandles) and trims malloc.</summary>
    public static void Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        MallocTrim(0);
    }

    /// <summary>Bytes malloc currently has allocated (live).</summary>
    public static long MallocLiveBytes()
    {
        var info = MallInfo();
        return (long)(info.UordBlks + info.HBlkHd);
    }

    /// <summary>Resident set size (VmRSS).</summary>
    public static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
