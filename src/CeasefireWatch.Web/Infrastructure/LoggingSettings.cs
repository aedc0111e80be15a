using Serilog;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// How the <c>Serilog</c> settings section is read. Left to itself, Serilog's configuration reader finds the
/// assemblies that may hold sinks by parsing the app's dependency manifest (<c>.deps.json</c>) and loading every
/// library with "Serilog" in its name, at each start: two hundred methods compiled to learn a list that only a new
/// build can change. The sinks and formatters this app ships are named here instead; an assembly named in the
/// section's <c>Using</c> is still loaded.
/// </summary>
internal static class LoggingSettings
{
    public static ConfigurationReaderOptions ReaderOptions() => new(
        typeof(LoggerConfigurationAsyncExtensions).Assembly,   // Async (wraps the console in appsettings.json)
        typeof(ConsoleLoggerConfigurationExtensions).Assembly, // Console
        typeof(FileLoggerConfigurationExtensions).Assembly,    // File
        typeof(LoggerSinkConfigurationDebugExtensions).Assembly, // Debug
        typeof(CompactJsonFormatter).Assembly);                // CompactJsonFormatter, RenderedCompactJsonFormatter
}
