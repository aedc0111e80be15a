using System.Reflection;
using Serilog;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// How the <c>Serilog</c> settings section is read. Left to itself, Serilog's configuration reader finds the
/// assemblies that may hold sinks by parsing the app's dependency manifest (<c>.deps.json</c>) and loading every
/// library with "Serilog" in its name, at each start: two hundred methods compiled to learn a list that only a new
/// build can change. The sinks and formatters this app ships are named here instead, with any assembly the section
/// names in <c>Using</c> (which the reader itself no longer loads once it is handed a list).
/// </summary>
internal static class LoggingSettings
{
    private static readonly Assembly[] Shipped =
    [
        typeof(LoggerConfigurationAsyncExtensions).Assembly,      // Async (wraps the console in appsettings.json)
        typeof(ConsoleLoggerConfigurationExtensions).Assembly,    // Console
        typeof(FileLoggerConfigurationExtensions).Assembly,       // File
        typeof(LoggerSinkConfigurationDebugExtensions).Assembly,  // Debug
        typeof(CompactJsonFormatter).Assembly,                    // CompactJsonFormatter, RenderedCompactJsonFormatter
    ];

    public static ConfigurationReaderOptions ReaderOptions(IConfiguration configuration) =>
        new([.. Shipped, .. configuration.GetSection("Serilog:Using").GetChildren()
            .Select(entry => entry.Value).OfType<string>().Where(name => name.Length > 0).Select(Load)]);

    private static Assembly Load(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new SettingException($"Serilog:Using names '{name}', which is not an assembly in the app's folder.", e);
        }
    }
}
