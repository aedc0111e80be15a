using CeasefireWatch.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>Accounts (ASP.NET Core Identity on the app's SQLite database), API keys, roles and policies.</summary>
internal static class SecurityRegistration
{
    /// <summary>Picks the API-key scheme when the header is present, the Identity cookie otherwise.</summary>
    private const string CookieOrApiKey = "CookieOrApiKey";

    public static IServiceCollection AddSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BootstrapOptions>().Bind(configuration.GetSection(BootstrapOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrApiKey;
                o.DefaultChallengeScheme = CookieOrApiKey;
                o.DefaultForbidScheme = CookieOrApiKey;
            })
            .AddPolicyScheme(CookieOrApiKey, "Session cookie or X-Api-Key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.AddIdentityCore<AppUser>(o =>
            {
                // Length over composition rules (NIST SP 800-63B): long passphrases, no forced symbols.
                o.Password.RequiredLength = 12;
                o.Password.RequiredUniqueChars = 4;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddUserManager<ClockedUserManager>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "cw.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/Account/SignIn";
            o.LogoutPath = "/Account/SignOut";
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            // Sign-out, a disabled account, a changed role or a reset password ends every session at once.
            o.Events.OnValidatePrincipal = SessionValidator.ValidateAsync;
            o.Events.OnRedirectToLogin = context => IsApi(context.Request) || IsHub(context.Request.Path) || IsDocumentForAProgram(context.Request)
                ? ApiKeyAuthenticationHandler.WriteProblemAsync(context.HttpContext, Problems(context.HttpContext),
                    StatusCodes.Status401Unauthorized, "Authentication required.", "Send a valid X-Api-Key header, or sign in.")
                : Redirect(context);
            o.Events.OnRedirectToAccessDenied = context =>
            {
                if (IsApi(context.Request))
                {
                    return ApiKeyAuthenticationHandler.WriteProblemAsync(context.HttpContext, Problems(context.HttpContext),
                        StatusCodes.Status403Forbidden, "Not allowed.", "Your role may not make this call.");
                }

                // A page the role may not use answers 403; the status-code page explains it.
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });


        services.AddAuthorizationBuilder().AddPolicies();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiForbiddenHandler>();
        services.AddScoped<SecurityLog>();
        services.AddScoped<UnknownAccountTimingShield>();
        services.AddTrustedProxies(configuration);
        services.AddCredentialGuessingLimiter(configuration);
        services.AddSingleton<SetupGate>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<LiveConnections>();
        services.AddHostedService<LiveConnectionSweeper>();
        services.AddHostedService<AccountBootstrapper>();
        return services;
    }

    private static AuthorizationBuilder AddPolicies(this AuthorizationBuilder builder)
    {
        foreach (var (policy, roles) in Policies.RolesFor)
        {
            builder.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }

        // Everything needs at least a Viewer unless it says [AllowAnonymous] (sign-in, setup, health, errors).
        return builder.SetFallbackPolicy(new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser().RequireRole(Policies.RolesFor[Policies.Read]).Build());
    }

    internal static bool IsApi(HttpRequest request) => IsApi(request.Path);

    internal static bool IsApi(PathString path) => path.StartsWithSegments("/api");

    /// <summary>The live hub: a SignalR client cannot follow a redirect to a sign-in page, so it is told 401.</summary>
    internal static bool IsHub(PathString path) => path.StartsWithSegments("/hubs");

    /// <summary>
    /// The OpenAPI document asked for by a program (a client generator, an API tool, curl) rather than a browser, which
    /// says it accepts HTML: the program is told 401 as the API tells it, where an HTML sign-in page would only break its
    /// parser; a person following the link is still sent to sign in.
    /// </summary>
    private static bool IsDocumentForAProgram(HttpRequest request) =>
        ApiDocumentation.IsDocument(request.Path)
        && !request.GetTypedHeaders().Accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static IProblemDetailsService Problems(HttpContext context) =>
        context.RequestServices.GetRequiredService<IProblemDetailsService>();

    /// <summary>
    /// To the sign-in page by path only: the handler builds an absolute address from the request's Host header, which any
    /// client may set (AllowedHosts is "*"), and a browser resolves a relative one against the site it is on anyway.
    /// </summary>
    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute)
            ? absolute.PathAndQuery
            : context.RedirectUri);
        return Task.CompletedTask;
    }
}
