using System.Diagnostics;
using System.Text.Json;

namespace Analysis.Tests.Numerics;

/// <summary>Runs a scikit-learn snippet in Debian's python (an independent reference); fails loudly when it is missing.</summary>
internal static class Sklearn
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Writes arrays as .npy-free raw float64 files, runs code that reads them and prints JSON, returns the JSON.</summary>
    public static JsonElement Run(string code, params (string Name, double[] Values)[] inputs)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} is missing: install python3-sklearn and python3-numpy (tools/setup/report.sh does) to run the scikit-learn parity tests.");
        var dir = Directory.CreateTempSubdirectory("sklearn-ref-").FullName;
        try
        {
            var prologue = "import json, numpy as np\n";
            foreach (var (name, values) in inputs)
            {
                var file = Path.Combine(dir, name + ".bin");
                File.WriteAllBytes(file, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
                prologue += $"{name} = np.fromfile(r'{file}', dtype=np.float64)\n";
            }
            var script = Path.Combine(dir, "ref.py");
            File.WriteAllText(script, prologue + code);
            var psi = new ProcessStartInfo(Python, script) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) Assert.Fail($"The scikit-learn reference failed (is python3-sklearn installed?): {stderr}");
            return JsonDocument.Parse(stdout.Result).RootElement;
        }
        finally { Directory.Delete(dir, true); }
    }

    public static double[] Doubles(this JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static double[] AsDoubles(this Analysis.Numerics.Matrix m) => m.Data.Select(v => (double)v).ToArray();
}
