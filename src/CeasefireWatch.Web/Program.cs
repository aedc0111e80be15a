using CeasefireWatch.Web.Api;
using CeasefireWatch.Web.Infrastructure;
using Serilog;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSerilog((services, logging) => logging
    .ReadFrom.Configuration(builder.Configuration)
    .ReadFrom.Services(services)
    .Enrich.FromLogContext());

builder.Services.AddCeasefireWatchData(builder.Configuration, builder.Environment);
builder.Services.AddEscalation(builder.Configuration);
builder.Services.AddApplication();
builder.Services.AddWeb();

var app = builder.Build();

// Request logging first, so it records the status the exception handler finally sent.
app.UseSerilogRequestLogging();
app.UseExceptionHandler("/Error");
app.UseStatusCodePages();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseStaticFiles();
app.UseRouting();
app.UseAntiforgery();

app.MapHealthChecks("/health");
app.MapGroup("/api").MapIncidentsApi().MapExportApi().MapStatsApi();
app.MapRazorPages();

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
