using Analysis.Extraction;
using Analysis.Probing;
using Analysis.Runtime;
using Analysis.Tests.Extraction;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Interventions;

/// <summary>
/// A real activation dataset, extracted once per test class: stories260k's residual stream after block 3 and MLP
/// activations of block 1 on 300 bundled stories, with first-letter probes saved from it.
/// </summary>
public sealed class StoriesActivations : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static string Model => Path.Combine(Models.Folder("stories260k"), "model.onnx");
    public static string Tokenizer => Path.Combine(Models.Folder("stories260k"), "tokenizer.json");
    public const string ProbeHook = "blocks.3.hook_resid_post";
    public const string NeuronHook = "blocks.1.mlp.hook_post";

    public string Data { get; }
    public string Probes { get; }

    public StoriesActivations()
    {
        var lines = File.ReadLines(Path.Combine(Models.Root, "tools", "demo", "stories.jsonl")).Take(300);
        var source = _dir.File("stories.jsonl", string.Join("\n", lines) + "\n");
        Data = Path.Combine(_dir.Path, "acts");
        ActivationExtractor.Run(new ExtractionRequest
        {
            Model = Model, Tokenizer = Tokenizer, Data = source, Output = Data,
            Hooks = [ProbeHook, NeuronHook], BatchSize = 32, MaxLength = 64, Device = Device.Cpu,
        });
        var output = Path.Combine(_dir.Path, "probe");
        LayerSweep.Run(new LayerSweepRequest
        {
            Data = Data, Hooks = ProbeHook, LabelFrom = "token:first-char", SaveProbes = true, Output = output,
            Options = new ProbeOptions { Seeds = [0], BootstrapResamples = 10 },
        });
        Probes = Path.Combine(output, "probes");
    }

    public void Dispose() => _dir.Dispose();
}
