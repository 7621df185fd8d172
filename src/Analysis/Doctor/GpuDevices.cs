namespace Analysis.Doctor;

/// <summary>The NVIDIA GPUs the driver exposes, read from <c>/proc/driver/nvidia/gpus/*/information</c> (no driver: none).</summary>
public static class GpuDevices
{
    /// <summary>Each GPU as "Model (bus id)", in the driver's order.</summary>
    public static IReadOnlyList<string> Visible(string root = "/proc/driver/nvidia/gpus")
    {
        if (!Directory.Exists(root)) return [];
        return Directory.GetDirectories(root).Order(StringComparer.Ordinal).Select(dir =>
        {
            var info = Path.Combine(dir, "information");
            var model = File.Exists(info)
                ? File.ReadLines(info).FirstOrDefault(l => l.StartsWith("Model:", StringComparison.Ordinal))?["Model:".Length..].Trim()
                : null;
            return $"{model ?? "NVIDIA GPU"} ({Path.GetFileName(dir)})";
        }).ToList();
    }
}
