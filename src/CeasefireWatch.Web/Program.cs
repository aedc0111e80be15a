using CeasefireWatch.Web.Api;
using CeasefireWatch.Web.Features.Dashboard;
using CeasefireWatch.Web.Features.Notifications;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Health;
using CeasefireWatch.Web.Infrastructure.Security;
using CeasefireWatch.Web.Data;
using Serilog;

// A maintenance command instead of the server: moving a SQLite database to PostgreSQL (docs/operations.md).
if (args is [DatabaseCopy.Command, .. var copyArgs])
{
    return await DatabaseCopy.RunAsync(copyArgs, Console.Out);
}

// Until the host has started, a failure is the operator's to fix (a port in use, a setting, the database file): it is
// said in one line and the process exits with 1, where the runtime would print the stack trace a second time under the
// host's log of it and abort (docs/operations.md).
var started = false;
string? database = null;
try
{
    // `-- reset-admin-password --email ...` recovers a lost administrator password from the console instead of serving.
    var recovery = AdminPasswordRecoveryCommand.Parse(args);
    // The settings files are read once: no option here is re-read on a change, and watching them put an inotify watch on
    // every folder under the content root (under `dotnet run`, all of bin/ and obj/) at each start (docs/performance.md).
    // A later --hostBuilder:reloadConfigOnChange=true on the command line still wins.
    var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. recovery?.HostArgs ?? args]);

    builder.Services.AddSerilog((services, logging) => logging
        .ReadFrom.Configuration(builder.Configuration, LoggingSettings.ReaderOptions(builder.Configuration))
        .ReadFrom.Services(services)
        .Enrich.FromLogContext());

    builder.Services.AddCeasefireWatchData(builder.Configuration, builder.Environment);
    builder.Services.AddEscalation(builder.Configuration);
    builder.Services.AddUpkeep();
    builder.Services.AddSecurity(builder.Configuration);
    builder.Services.AddApplication();
    builder.Services.AddWeb();
    builder.Services.AddScaleOut(builder.Configuration);
    builder.Services.AddNotifications(builder.Configuration);
    builder.Services.AddApiDocumentation();

    builder.Services.AddHostedService<StartupBanner>();

    var app = builder.Build();
    database = StartFailure.Name(app.Services.GetRequiredService<DatabaseSetup>());
    if (recovery is not null)
    {
        return await recovery.RunAsync(app.Services, Console.In, Console.Out, interactive: !Console.IsInputRedirected);
    }

    // Before anything reads the client's address or scheme: a trusted proxy's X-Forwarded-For and -Proto
    // (ForwardedHeadersSettings; loopback, or the proxies configured).
    app.UseForwardedHeaders();

    // Request logging first, so it records the status the exception handler finally sent. A health check that
    // answered 200 is a load balancer's heartbeat (thousands a second): Verbose, not a line each on the console.
    app.UseSerilogRequestLogging(o => o.GetLevel = RequestLogLevel.For);
    app.UseMiddleware<SecurityHeadersMiddleware>();
    // Before the error pages, so that they too speak the reader's language.
    app.UseRequestLocalization();
    app.UseExceptionHandler("/Error");
    if (!app.Environment.IsDevelopment())
    {
        app.UseHsts();
        app.UseHttpsRedirection();
    }

    // A bodiless error status becomes problem details for the API and a readable page for people.
    app.UseWhen(c => SecurityRegistration.IsApi(c.Request), api => api.UseStatusCodePages());
    app.UseWhen(c => !SecurityRegistration.IsApi(c.Request), pages => pages.UseStatusCodePagesWithReExecute("/Status/{0}"));

    app.UseStaticFiles();
    app.UseMiddleware<FormNulMiddleware>();
    app.UseMiddleware<HubOriginCheck>();
    app.UseRouting();
    app.UseMiddleware<SetupRedirectMiddleware>();
    app.UseRateLimiter();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseAntiforgery();
    app.UseMiddleware<CookieApiAntiforgeryMiddleware>();
    // Last before the call itself: a small JSON body is kept, so that if it does not read, the 400 can name every bad field.
    app.UseMiddleware<JsonBodyKeeper>();

    // Answered straight from routing: a load balancer's check needs none of the rate limiter, authentication,
    // authorization or antiforgery that follow (it is anonymous and safe), and skips their cost thousands of times a
    // second. The middleware before routing (security headers, request log, exception handler) still runs.
    app.MapHealthChecks("/health", HealthEndpoint.Options).AllowAnonymous().ShortCircuit();
    app.MapGroup("/api").RequireAuthorization(Policies.Read).ProducesStorageAndGuessingProblems().MapIncidentsApi().MapResponseApi().MapExportApi().MapStatsApi().MapImportsApi();
    app.MapNotificationsApi();
    app.MapHub<LiveHub>(LiveHub.Path);
    app.MapApiDocumentation();
    app.MapRazorPages();

    app.Lifetime.ApplicationStarted.Register(() => started = true);
    await app.RunAsync();
    return 0;
}
catch (Exception failure) when (!started && StartFailure.IsTheOperators(failure))
{
    await Console.Error.WriteLineAsync(StartFailure.Explain(failure, database));
    return StartFailure.ExitCode;
}

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
