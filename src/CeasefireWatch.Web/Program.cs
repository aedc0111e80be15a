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

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSerilog((services, logging) => logging
    .ReadFrom.Configuration(builder.Configuration)
    .ReadFrom.Services(services)
    .Enrich.FromLogContext());

builder.Services.AddCeasefireWatchData(builder.Configuration, builder.Environment);
builder.Services.AddEscalation(builder.Configuration);
builder.Services.AddSecurity(builder.Configuration);
builder.Services.AddApplication();
builder.Services.AddWeb();
builder.Services.AddScaleOut(builder.Configuration);
builder.Services.AddNotifications(builder.Configuration);
builder.Services.AddApiDocumentation();

var app = builder.Build();

// Request logging first, so it records the status the exception handler finally sent.
app.UseSerilogRequestLogging();
app.UseMiddleware<SecurityHeadersMiddleware>();
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
app.UseRouting();
app.UseMiddleware<SetupRedirectMiddleware>();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseMiddleware<CookieApiAntiforgeryMiddleware>();

app.MapHealthChecks("/health", HealthEndpoint.Options).AllowAnonymous();
app.MapGroup("/api").RequireAuthorization(Policies.Read).MapIncidentsApi().MapResponseApi().MapExportApi().MapStatsApi().MapImportsApi();
app.MapNotificationsApi();
app.MapHub<LiveHub>(LiveHub.Path);
app.MapApiDocumentation();
app.MapRazorPages();

app.Run();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
