using System.CommandLine;
using System.Text.Json;
using Analysis.Onnx;

namespace Analysis.Cli;

/// <summary>
/// `analysis expose MODEL --hooks PATTERN... [--tensors NAME...] [--hook-map FILE] -o OUT.onnx`: writes a copy whose graph
/// outputs include the chosen activations. Outputs keep their tensor names; the canonical name → output mapping is
/// printed and stored in the model's metadata ("analysis.hooks").
/// </summary>
public static class ExposeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Path of the .onnx model." };
        var hooks = new Option<string[]>("--hooks") { Description = "Canonical hook names or globs (blocks.*.hook_resid_post, blocks.{0,3}.hook_attn_out) or raw tensor names.", AllowMultipleArgumentsPerToken = true };
        var tensors = new Option<string[]>("--tensors") { Description = "Raw ONNX tensor names to expose as well.", AllowMultipleArgumentsPerToken = true };
        var hookMap = new Option<string?>("--hook-map") { Description = "JSON hook map that overrides or extends discovery (docs/onnx.md)." };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Path of the model to write.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the mapping as JSON." };
        var command = new Command("expose", "Write a copy of a model whose outputs include the chosen hook points.")
        {
            model, hooks, tensors, hookMap, output, json,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var patterns = parse.GetValue(hooks) ?? [];
            var names = parse.GetValue(tensors) ?? [];
            if (patterns.Length == 0 && names.Length == 0)
                throw new UserInputException("Nothing to expose: pass --hooks PATTERN... and/or --tensors NAME...; 'analysis inspect MODEL' lists them.");
            var source = Path.GetFullPath(parse.GetValue(model)!);
            var target = Path.GetFullPath(parse.GetValue(output)!);
            if (source == target)
                throw new UserInputException($"Refusing to overwrite the input model '{source}'; choose another -o path.");

            var loaded = OnnxModel.Load(source);
            // Tensors inside an If branch cannot be graph outputs: an Optimum merged decoder becomes its no-cache decoder.
            var branch = loaded.SelectNoCacheBranch();
            var map = HookDiscovery.Discover(loaded, parse.GetValue(hookMap) is { } file ? HookMapFile.Load(file) : null);
            var chosen = map.Resolve(patterns).ToList();
            foreach (var t in names)
            {
                if (!loaded.HasTensor(t)) throw new UnknownTensorException(t, $"the graph of '{source}'");
                chosen.Add(new HookPoint(t, t));
            }
            var exposed = loaded.ExposeHooks(chosen.DistinctBy(h => h.Name).ToList());
            var report = loaded.Save(target);

            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                o.WriteLine(JsonSerializer.Serialize(new
                {
                    model = report.ModelPath,
                    branch = branch?.Describe(),
                    hooks = exposed.Select(h => new { name = h.Name, tensor = h.Tensor, output = h.Output, type = h.Type.ToString() }),
                    externalFiles = report.ExternalFiles.Select(f => new { source = f.Source, location = f.Location, kind = f.Kind.ToString() }),
                }, new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }
            foreach (var line in report.Describe()) o.WriteLine(line);
            if (branch is not null) o.WriteLine($"branch fixed: {branch.Describe()}");
            var width = exposed.Select(h => h.Name.Length).Max();
            foreach (var h in exposed) o.WriteLine($"  {h.Name.PadRight(width)} -> output {h.Output}  {h.Type}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
