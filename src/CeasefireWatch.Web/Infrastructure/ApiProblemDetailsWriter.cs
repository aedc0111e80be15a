using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Diagnostics;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// The API's answers are problem details whatever the caller's <c>Accept</c> says (CONTRACT.md). The framework's writer
/// writes them only for a caller that accepts JSON: a client asking for <c>text/html</c> or <c>text/csv</c> (a spreadsheet
/// fetching an export) got a 500 for a wrong key ("no registered IProblemDetailsWriter") and an HTML page for its other
/// errors, and a page asked for with a key it refused was a 500 as well. Registered after the framework's writer, this
/// one takes what that one declines for the API, the live hub, the OpenAPI document and any request carrying an API key,
/// and has that one write it: the same body, type, title and trace id.
/// </summary>
internal sealed class ApiProblemDetailsWriter(IServiceProvider services) : IProblemDetailsWriter
{
    private IProblemDetailsWriter? framework;

    public bool CanWrite(ProblemDetailsContext context) => AnswersAsProblem(context.HttpContext);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        framework ??= FrameworkWriter();
        return framework.WriteAsync(context);
    }

    /// <summary>
    /// The writer that answers a caller accepting JSON outside any MVC controller: the framework's own (MVC registers one of
    /// its own too, for controllers, which negotiates the format). Found on first use: asked for in the constructor, the
    /// list of writers would contain this one being built.
    /// </summary>
    private IProblemDetailsWriter FrameworkWriter()
    {
        var probe = new DefaultHttpContext();
        probe.Request.Headers.Accept = "application/problem+json";
        var probeContext = new ProblemDetailsContext { HttpContext = probe };
        return services.GetServices<IProblemDetailsWriter>().First(writer => writer is not ApiProblemDetailsWriter && writer.CanWrite(probeContext));
    }

    /// <summary>
    /// Whether the app answers this request's errors as problem details: the API, the live hub and the OpenAPI document,
    /// and any request carrying an API key, which is a program's wherever it goes (a page refusing the key answers it as
    /// the API would). Otherwise a person is at a page, and the status page says it in words.
    /// </summary>
    internal static bool AnswersAsProblem(HttpContext context)
    {
        // An exception's problem is written once the request has been re-pointed at the error page; the feature keeps the path that failed.
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path;
        return SecurityRegistration.IsApi(path) || SecurityRegistration.IsHub(path) || ApiDocumentation.IsDocument(path)
            || context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName);
    }
}
