namespace Analysis.Parquet.Format;

/// <summary>Page kinds (numbers match the format).</summary>
internal enum PageType { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 }
