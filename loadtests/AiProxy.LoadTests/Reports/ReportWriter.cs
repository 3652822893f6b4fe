using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Reports;

/// <summary>Writes the requested report formats of a run into a folder; returns the files written.</summary>
internal static class ReportWriter
{
    public static IReadOnlyList<string> Write(NodeStats node, string folder, string fileName, IEnumerable<ReportFormat> formats)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (var format in formats.Distinct())
        {
            switch (format)
            {
                case ReportFormat.Md:
                    files.Add(Save(folder, fileName + ".md", MarkdownReport.Render(node)));
                    break;
                case ReportFormat.Csv:
                    files.Add(Save(folder, fileName + ".csv", CsvReport.RenderSummary(node)));
                    files.Add(Save(folder, fileName + ".timeline.csv", CsvReport.RenderTimeline(node)));
                    break;
                case ReportFormat.Html:
                    files.Add(Save(folder, fileName + ".html", HtmlReport.Render(node)));
                    break;
            }
        }
        return files;
    }

    private static string Save(string folder, string name, string content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
