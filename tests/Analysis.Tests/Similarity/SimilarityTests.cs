using System.Text.Json;
using System.Text.RegularExpressions;
using Analysis.Datasets;
using Analysis.Extraction;
using Analysis.Numerics;
using Analysis.Reports;
using Analysis.Runtime;
using Analysis.Similarity;
using Analysis.Tests.Extraction;
using Analysis.Tests.Numerics;
using Analysis.Tests.Reports;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Similarity;

/// <summary>Real stories260k activations, extracted twice with different batching (so different row groups).</summary>
public sealed class StoriesActivations : IDisposable
{
    private readonly TempDirectory _dir = new();

    public StoriesActivations()
    {
        var stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");
        var data = _dir.File("data.jsonl", string.Join("\n", File.ReadLines(stories).Take(30)) + "\n");
        var other = _dir.File("other.jsonl", string.Join("\n", File.ReadLines(stories).Skip(30).Take(30)) + "\n");
        A = Extract(data, "a", batch: 8, perPart: 16);
        B = Extract(data, "b", batch: 3, perPart: 7);
        Other = Extract(other, "other", batch: 8, perPart: 16);
    }

    public string A { get; }
    public string B { get; }
    public string Other { get; }
    public string Temp => _dir.Path;

    private string Extract(string data, string name, int batch, int perPart)
    {
        var output = Path.Combine(_dir.Path, name);
        var folder = Models.Folder("stories260k");
        ActivationExtractor.Run(new ExtractionRequest
        {
            Model = Path.Combine(folder, "model.onnx"), Tokenizer = Path.Combine(folder, "tokenizer.json"), Data = data, Output = output,
            Hooks = ["hook_embed", "blocks.*.hook_resid_post"], BatchSize = batch, ExamplesPerPart = perPart, Device = Device.Cpu, MaxLength = 64,
        });
        return output;
    }

    public void Dispose() => _dir.Dispose();
}

public class SimilarityTests(StoriesActivations acts) : IClassFixture<StoriesActivations>
{
    private SimilarityResult Run(string a, string b, string name, int rsaRows = 300) => LayerSimilarity.Run(new SimilarityRequest
    {
        A = a, B = b, RsaRows = rsaRows, Output = Path.Combine(acts.Temp, name + "-" + Guid.NewGuid().ToString("N")),
    });

    [Fact]
    public void A_dataset_with_itself_has_ones_on_the_diagonal_and_is_symmetric()
    {
        var r = Run(acts.A, acts.A, "self");
        Assert.Equal(6, r.HooksA.Length);   // hook_embed + 5 blocks
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(1.0, r.Cka[i][i], 1e-9);
            Assert.Equal(1.0, r.Rsa![i][i], 1e-9);
            for (var j = 0; j < 6; j++) Assert.Equal(r.Cka[i][j], r.Cka[j][i], 1e-9);
        }
        // Real layers are not all alike: the embedding and the last block differ.
        Assert.True(r.Cka[0][5] < 0.9, $"CKA(embed, block 4) = {r.Cka[0][5]}");
    }

    [Fact]
    public void Datasets_aligned_across_different_row_groups_compare_row_by_row()
    {
        // Same model, same examples, different batching and parts: identical rows in different row groups.
        var r = Run(acts.A, acts.B, "ab");
        for (var i = 0; i < 6; i++) Assert.Equal(1.0, r.Cka[i][i], 1e-6);
        Assert.Equal(r.Rows, ActivationTable.Open(acts.A).Rows);
    }

    [Fact]
    public void Different_examples_are_bad_input()
    {
        var e = Assert.Throws<BadInputException>(() => Run(acts.A, acts.Other, "misaligned"));
        Assert.Contains("same", e.Message);
    }

    [Fact]
    public void Cka_and_rsa_equal_a_numpy_and_scipy_reference()
    {
        var r = Run(acts.A, acts.B, "reference", rsaRows: 1_000_000);   // RSA on every row
        using var table = ActivationTable.Open(acts.A);
        var hooks = table.Hooks;
        var mats = hooks.Select(table.ReadMatrix).ToArray();
        var rows = mats[0].Rows;
        var inputs = mats.Select((m, i) => ($"h{i}", m.AsDoubles())).ToArray();
        var reference = Sklearn.Run($$"""
            from scipy.spatial.distance import pdist
            from scipy.stats import rankdata
            n = {{rows}}
            hs = [h0, h1, h2, h3, h4, h5]
            hs = [h.reshape(n, -1) for h in hs]
            def cka(x, y):
                x = x - x.mean(0); y = y - y.mean(0)
                return np.linalg.norm(y.T @ x) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y))
            rdm = [np.round(pdist(h.astype(np.float64), 'correlation'), 12) for h in hs]
            print(json.dumps({"cka": [[cka(a, b) for b in hs] for a in hs],
                              "rsa": np.corrcoef(np.stack([rankdata(d) for d in rdm])).tolist()}))   # Spearman: Pearson of ranks
            """, inputs);
        var cka = reference.GetProperty("cka").EnumerateArray().Select(x => x.Doubles()).ToArray();
        var rsa = reference.GetProperty("rsa").EnumerateArray().Select(x => x.Doubles()).ToArray();
        for (var i = 0; i < 6; i++)
            for (var j = 0; j < 6; j++)
            {
                Assert.True(Math.Abs(cka[i][j] - r.Cka[i][j]) < 1e-6, $"CKA[{i}][{j}]: ours {r.Cka[i][j]}, numpy {cka[i][j]}");
                Assert.True(Math.Abs(rsa[i][j] - r.Rsa![i][j]) < 1e-6, $"RSA[{i}][{j}]: ours {r.Rsa![i][j]}, scipy {rsa[i][j]}");
            }
    }

    [Fact]
    public void Cka_is_invariant_to_rotation_and_isotropic_scaling_but_not_to_stretching_one_axis()
    {
        using var table = ActivationTable.Open(acts.A);
        var x = table.ReadMatrix("blocks.1.hook_resid_post");
        var y = table.ReadMatrix("blocks.4.hook_resid_post");
        var baseline = CkaAccumulator.Compute(x, y);
        var q = Synthetic.OrthonormalDirections(64, 64, seed: 9);
        var rotated = new Matrix(y.Rows, 64);
        for (var i = 0; i < y.Rows; i++)
            for (var j = 0; j < 64; j++)
            {
                var s = 0.0;
                for (var k = 0; k < 64; k++) s += y[i, k] * q[k][j];
                rotated[i, j] = (float)(3.7 * s);
            }
        Assert.Equal(baseline, CkaAccumulator.Compute(x, rotated), 1e-6);
        var stretched = new Matrix(y.Rows, 64, (float[])y.Data.Clone());
        for (var i = 0; i < y.Rows; i++) stretched[i, 0] *= 30;
        Assert.True(Math.Abs(baseline - CkaAccumulator.Compute(x, stretched)) > 1e-3, "stretching one axis should change CKA");
    }

    [Fact]
    public void Streaming_in_small_blocks_equals_one_pass()
    {
        using var table = ActivationTable.Open(acts.A);
        var x = table.ReadMatrix("hook_embed");
        var y = table.ReadMatrix("blocks.3.hook_resid_post");
        var acc = new CkaAccumulator([64], [64]);
        for (var start = 0; start < x.Rows; start += 97)
        {
            var idx = Enumerable.Range(start, Math.Min(97, x.Rows - start)).ToArray();
            acc.Add([x.SelectRows(idx)], [y.SelectRows(idx)]);
        }
        // Blocks sum in float before double, so the shift and block boundaries move the last digits only.
        Assert.Equal(CkaAccumulator.Compute(x, y), acc.Cka()[0][0], 1e-7);
    }

    [Fact]
    public void Report_draws_both_heatmaps_in_chromium_and_the_table_file_lists_every_pair()
    {
        var output = Path.Combine(acts.Temp, "report-" + Guid.NewGuid().ToString("N"));
        LayerSimilarity.Run(new SimilarityRequest { A = acts.A, B = acts.B, RsaRows = 100, Output = output });
        var pairs = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, LayerSimilarity.TableFile))).RootElement;
        Assert.Equal(36, pairs.GetArrayLength());
        var page = Path.Combine(output, "report.html");
        HtmlReport.Write([output], page);
        var html = File.ReadAllText(page);
        Assert.Equal(72, Regex.Matches(html, "class=\"mark cell\"").Count);   // two 6 × 6 heatmaps
        if (!File.Exists("/usr/bin/chromium")) Assert.Fail("/usr/bin/chromium is missing: run tools/setup/report.sh.");
        var (dom, log) = HtmlReportTests.RunChromium(output, "--dump-dom", page);
        Assert.Equal("2", Regex.Match(dom, "data-plots-expected=\"(\\d+)\"").Groups[1].Value);
        Assert.Equal("2", Regex.Match(dom, "data-plots-rendered=\"(\\d+)\"").Groups[1].Value);
        Assert.DoesNotContain("Uncaught", log);
        var png = Path.Combine(AppContext.BaseDirectory, "similarity-screenshot.png");
        HtmlReportTests.RunChromium(output, $"--screenshot={png}", "--window-size=1400,1600", page);
    }
}
