using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// First start, on the console: which address to open, and whether the one-time setup page is waiting for the first
/// administrator (or how to recover a lost administrator password once accounts exist).
/// </summary>
internal sealed partial class StartupBanner(
    IHostApplicationLifetime lifetime, IServer server, IServiceScopeFactory scopes, ILogger<StartupBanner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            LogOpen(Browsable(address));
        }

        await using var scope = scopes.CreateAsyncScope();
        if (!await AnyAccountAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), stoppingToken))
        {
            LogSetupWaiting();
        }
        else
        {
            LogRecovery(AdminPasswordRecoveryCommand.Name);
        }
    }

    /// <summary>
    /// Whether any account exists, asked with a plain command. This runs on the thread that announces the start, the moment
    /// the server listens: a LINQ query here compiled EF Core's query pipeline (a third of a second) while the first
    /// requests waited for the other core (docs/performance.md).
    /// </summary>
    internal static Task<bool> AnyAccountAsync(AppDbContext db, CancellationToken cancellationToken) =>
        PlainReads.AnyAsync<AppUser>(db, cancellationToken);

    /// <summary>"http://[::]:5080" or "http://0.0.0.0:5080" listens everywhere; a browser on this machine opens localhost.</summary>
    internal static string Browsable(string address) => address
        .Replace("://[::]", "://localhost", StringComparison.Ordinal)
        .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
        .Replace("://+", "://localhost", StringComparison.Ordinal)
        .Replace("://*", "://localhost", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "CeasefireWatch is ready: open {Address} in a browser.")]
    private partial void LogOpen(string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setup is waiting: no account exists yet. The first page you open is the one-time setup page that creates the administrator (or set Bootstrap__AdminEmail and Bootstrap__AdminPassword).")]
    private partial void LogSetupWaiting();

    [LoggerMessage(Level = LogLevel.Information, Message = "Accounts exist; sign in. A lost administrator password: dotnet run --project src/CeasefireWatch.Web -- {Command} --email EMAIL")]
    private partial void LogRecovery(string command);
}
