namespace Analysis.Extraction;

/// <summary>What a --model argument names: an .onnx file, or a model folder holding model.onnx and usually tokenizer.json.</summary>
public static class ModelPath
{
    /// <summary>The .onnx file: the path itself, or model.onnx inside a folder.</summary>
    public static string File(string modelOrFolder) =>
        Directory.Exists(modelOrFolder) ? Path.Combine(modelOrFolder, "model.onnx") : modelOrFolder;

    /// <summary>The tokenizer.json in the model's folder (beside the file, or inside the folder given).</summary>
    public static string DefaultTokenizer(string modelOrFolder)
    {
        var folder = Directory.Exists(modelOrFolder) ? modelOrFolder : Path.GetDirectoryName(Path.GetFullPath(modelOrFolder))!;
        var tokenizer = Path.Combine(folder, "tokenizer.json");
        if (System.IO.File.Exists(tokenizer)) return tokenizer;
        throw new BadInputException($"No --tokenizer given and no tokenizer.json in '{folder}', the folder of model '{modelOrFolder}'; pass --tokenizer PATH.");
    }
}
