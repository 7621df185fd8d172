using Analysis.Probing;
using Analysis.Tests.Numerics;

namespace Analysis.Tests.Probing;

public class ProbeExportTests
{
    private static LinearClassifier TrainedProbe()
    {
        var x = Synthetic.Gaussian(300, 8, seed: 1);
        var y = Enumerable.Range(0, 300).Select(i => x[i, 0] > 0 ? (x[i, 1] > 0 ? 2 : 1) : 0).ToArray();
        return LogisticRegression.Fit(x, y, ["neg", "pos-low", "pos-high"]);
    }

    [Fact]
    public void Saved_probe_loads_back_identically()
    {
        var probe = TrainedProbe();
        var path = Path.Combine(Path.GetTempPath(), $"probe-{Guid.NewGuid():N}.json");
        try
        {
            new ProbeFile { Hook = "blocks.1.hook_resid_post", Label = "token:first-char", Classifier = probe }.Save(path);
            var loaded = ProbeFile.Load(path);
            Assert.Equal(probe.Weights, loaded.Classifier.Weights);
            Assert.Equal(probe.Classes, loaded.Classifier.Classes);
            var x = Synthetic.Gaussian(50, 8, seed: 2);
            Assert.Equal(probe.Predict(x), loaded.Classifier.Predict(x));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Corrupt_probe_file_is_bad_input()
    {
        var path = Path.Combine(Path.GetTempPath(), $"probe-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"hook\": 3");
        try { Assert.Throws<BadInputException>(() => ProbeFile.Load(path)); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Onnx_export_passes_the_onnx_checker_and_computes_the_probe()
    {
        var probe = TrainedProbe();
        var x = Synthetic.Gaussian(20, 8, seed: 3);
        var ours = probe.Probabilities(x);
        var path = Path.Combine(Path.GetTempPath(), $"probe-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, ProbeOnnx.Export(probe, "blocks.1.hook_resid_post"));
        try
        {
            // onnx's own checker and shape inference, then the graph evaluated node by node in numpy from the file's initializers.
            var reference = Sklearn.Run($$"""
                import onnx
                from onnx import numpy_helper, shape_inference
                m = onnx.load(r'{{path}}')
                onnx.checker.check_model(m, full_check=True)
                inferred = shape_inference.infer_shapes(m, strict_mode=True)
                vals = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
                vals['activations'] = x.reshape(-1, 8).astype(np.float32)
                for n in m.graph.node:
                    a = [vals[i] for i in n.input]
                    if n.op_type == 'MatMul': r = a[0] @ a[1]
                    elif n.op_type == 'Add': r = a[0] + a[1]
                    elif n.op_type == 'Softmax':
                        e = np.exp(a[0] - a[0].max(axis=-1, keepdims=True)); r = e / e.sum(axis=-1, keepdims=True)
                    else: raise SystemExit('unexpected op ' + n.op_type)
                    vals[n.output[0]] = r
                meta = {p.key: p.value for p in m.metadata_props}
                print(json.dumps({"p": vals['probabilities'].ravel().tolist(), "classes": json.loads(meta['classes']),
                                  "shape": [d.dim_param or d.dim_value for d in inferred.graph.output[1].type.tensor_type.shape.dim]}))
                """, ("x", x.AsDoubles()));
            var p = reference.GetProperty("p").Doubles();
            for (var i = 0; i < p.Length; i++) Assert.Equal(ours[i], p[i], 5);
            Assert.Equal(probe.Classes, reference.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!));
        }
        finally { File.Delete(path); }
    }
}
