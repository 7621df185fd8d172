using System.Diagnostics;

namespace Analysis.Onnx.Tests;

/// <summary>Runs Debian's python (with onnx and torch) as the independent implementation our results are checked against.</summary>
internal static class DebianPython
{
    private const string Python = "/usr/bin/python3";

    public static string Run(string script, params string[] args)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: run tools/setup.sh (needs python3-onnx, python3-numpy).");
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python failed ({process.ExitCode}); if a module is missing, run tools/setup.sh (python3-onnx, python3-numpy): {stderr.Result}");
        return stdout.Result;
    }
}
