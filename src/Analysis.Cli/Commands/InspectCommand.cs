using System.CommandLine;
using System.Text.Json;
using Analysis.Onnx;

namespace Analysis.Cli;

/// <summary>`analysis inspect MODEL [--json] [--hook-map FILE]`: what a model is made of and where its hook points are.</summary>
public static class InspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Path of the .onnx model." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var hookMap = new Option<string?>("--hook-map") { Description = "JSON hook map that overrides or extends discovery (docs/onnx.md)." };
        var command = new Command("inspect", "Show a model's opsets, inputs/outputs, operators, weights and discovered hook points.")
        {
            model, json, hookMap,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var loaded = OnnxModel.Load(parse.GetValue(model)!);
            // An Optimum merged decoder keeps its layers inside an If node: show the no-cache branch extraction runs.
            var branch = loaded.SelectNoCacheBranch();
            var map = HookDiscovery.Discover(loaded, parse.GetValue(hookMap) is { } file ? HookMapFile.Load(file) : null);
            var summary = ModelSummary.Of(loaded, map, branch);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) output.WriteLine(JsonSerializer.Serialize(summary, JsonOptions));
            else WriteText(output, summary);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static void WriteText(TextWriter o, ModelSummary s)
    {
        o.WriteLine($"model      {s.Path}");
        o.WriteLine($"producer   {(s.Producer.Length > 0 ? s.Producer : "(not recorded)")}, IR version {s.IrVersion}");
        o.WriteLine($"opsets     {string.Join(", ", s.Opsets.Select(p => $"{p.Key} {p.Value}"))}");
        if (s.Branch is not null) o.WriteLine($"branch     {s.Branch}; what follows is that branch");
        o.WriteLine("inputs");
        foreach (var i in s.Inputs) o.WriteLine($"  {i.Name}  {i.Type}");
        o.WriteLine("outputs");
        foreach (var i in s.Outputs) o.WriteLine($"  {i.Name}  {i.Type}");
        o.WriteLine($"nodes      {s.NodeCount:N0}");
        o.WriteLine($"operators  {string.Join(", ", s.Operators.Select(p => $"{p.Key} {p.Value}"))}");
        o.WriteLine($"weights    {s.Parameters:N0} float values; {Bytes(s.InlineWeightBytes)} inline, {Bytes(s.ExternalWeightBytes)} external");
        foreach (var f in s.ExternalFiles) o.WriteLine($"  external {f.Path}: {f.Tensors} tensors, {Bytes(f.Bytes)}");
        o.WriteLine($"structure  {s.Structure}");
        o.WriteLine("hooks");
        var width = s.Hooks.Select(h => h.Name.Length).DefaultIfEmpty(0).Max();
        foreach (var h in s.Hooks) o.WriteLine($"  {h.Name.PadRight(width)}  {h.Tensor}  {h.Type}");
        if (s.UnavailableHooks.Count > 0)
        {
            o.WriteLine("unavailable hooks");
            foreach (var u in s.UnavailableHooks) o.WriteLine($"  {u.Name}: {u.Reason}");
        }
    }

    private static string Bytes(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1024 * 1024 => $"{n / 1024.0:F1} KiB",
        < 1024L * 1024 * 1024 => $"{n / (1024.0 * 1024):F1} MiB",
        _ => $"{n / (1024.0 * 1024 * 1024):F2} GiB",
    };
}
