using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Analysis.Doctor;

namespace Analysis.Cli.Commands;

/// <summary>`analysis doctor [--json]`: what ONNX Runtime, CUDA, the cache and the codecs look like on this machine.</summary>
public static class DoctorCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("doctor", "Check this machine: ONNX Runtime's version and providers, what CUDA needs and finds, the cache, and the libraries in use.")
        {
            json,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var report = SystemReport.Collect();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) output.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
            else Render(report, output);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Render(SystemReport r, TextWriter output)
    {
        output.WriteLine($"ONNX Runtime {r.OnnxRuntimeVersion}  {r.OnnxRuntimeLibrary}");
        output.WriteLine($"  providers: {string.Join(", ", r.Providers)}");
        output.WriteLine($"CUDA: {r.Cuda.Verdict}");
        output.WriteLine($"  provider library: {r.Cuda.ProviderLibrary ?? "missing"}");
        foreach (var l in r.Cuda.Libraries)
            output.WriteLine($"  {(l.Found ? "found  " : "MISSING")} {l.File,-20} {(l.Required ? "" : "(optional) ")}{l.InstalledBy}");
        output.WriteLine(r.Cuda.Gpus.Count == 0 ? "  GPUs: none visible" : $"  GPUs: {string.Join("; ", r.Cuda.Gpus)}");
        if (r.Cuda.CudaVisibleDevices is { } visible) output.WriteLine($"  CUDA_VISIBLE_DEVICES={visible}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Cache: {r.Cache.Folder}  {r.Cache.Bytes / 1e6:N1} MB in {r.Cache.Files:N0} files"));
        output.WriteLine("Libraries:");
        foreach (var l in r.Libraries) output.WriteLine($"  {l.Role,-10} {l.Library,-28} {l.Detail}");
    }
}
