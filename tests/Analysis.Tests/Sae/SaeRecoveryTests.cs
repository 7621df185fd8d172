using Analysis.Sae;

namespace Analysis.Tests.Sae;

/// <summary>
/// Every architecture, trained through the whole pipeline (Parquet stream, shuffle, scaling, schedule), recovers a
/// planted dictionary: the mean over atoms of the best decoder cosine is at least 0.9.
/// </summary>
public sealed class SaeRecoveryTests
{
    [Theory]
    [InlineData(SaeArchitecture.TopK)]
    [InlineData(SaeArchitecture.BatchTopK)]
    [InlineData(SaeArchitecture.Relu)]
    public void RecoversPlantedDictionary(SaeArchitecture architecture)
    {
        const int d = 32, atoms = 48, active = 3;
        var planted = new PlantedDictionary(d, atoms, seed: 11);
        using var dir = new Extraction.TempDirectory();
        var data = SyntheticDataset.Write(Path.Combine(dir.Path, "acts"), planted.Sample(20_000, active, seed: 12), d);
        var result = SaeTraining.Run(new SaeTrainingRequest
        {
            Data = data, Hooks = [SyntheticDataset.Hook], Architecture = architecture, Latents = [96], K = [active],
            L1 = 1f, Tokens = 300_000, BatchSize = 512, LearningRate = 3e-3, Seed = 1, Output = Path.Combine(dir.Path, "sae"),
        });
        var sae = Analysis.Sae.Sae.Load(Path.Combine(dir.Path, "sae"));
        var cosine = planted.MeanBestCosine(sae.Weights.DecoderRows, sae.DSae);
        Assert.True(cosine >= 0.9, $"{architecture}: mean best cosine {cosine:0.000} (fvu {result[0].Fvu:0.000}, l0 {result[0].L0:0.0})");
        Assert.True(result[0].Fvu < 0.2, $"{architecture}: fvu {result[0].Fvu}");
    }
}
