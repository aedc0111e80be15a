namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>Where the repository's own files are, for tests that read the sources or run the web project's build.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding CeasefireWatch.sln, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The web project's folder (its content root: appsettings.json, wwwroot, Pages).</summary>
    public static string WebProject => Path.Combine(Root, "src", "CeasefireWatch.Web");

    /// <summary>The built app (the web project's own output, in the configuration these tests were built in), to run as a child process.</summary>
    public static string WebAppDll()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;   // bin/<Configuration>/net10.0
        var dll = Path.Combine(WebProject, "bin", configuration, "net10.0", "CeasefireWatch.Web.dll");
        Assert.True(File.Exists(dll), $"Build the solution first: no {dll}.");
        return dll;
    }

    /// <summary>
    /// How to start the built app as a child process listening on <paramref name="url"/> with its database at
    /// <paramref name="database"/>, its output read by the caller; add settings to its environment.
    /// </summary>
    public static System.Diagnostics.ProcessStartInfo WebAppStartInfo(string database, string url, string environment)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WebProject,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WebAppDll());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["ConnectionStrings__CeasefireWatch"] = $"Data Source={database}";
        return start;
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CeasefireWatch.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("CeasefireWatch.sln not found above " + AppContext.BaseDirectory);
    }
}
