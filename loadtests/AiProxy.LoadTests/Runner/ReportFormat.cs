namespace AiProxy.LoadTests.Runner;

/// <summary>Report files the runner writes, as NBomber's <c>ReportFormat</c>.</summary>
public enum ReportFormat
{
    /// <summary>report.md</summary>
    Md,

    /// <summary>report.csv (one row per scenario) and timeline.csv</summary>
    Csv,

    /// <summary>report.html with inline SVG plots</summary>
    Html,
}
