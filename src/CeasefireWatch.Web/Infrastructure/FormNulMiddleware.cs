using System.Text;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// The framework's form reader refuses a NUL (<c>%00</c>) anywhere in a urlencoded form, and with it the whole
/// form: the antiforgery check cannot read its token, and a person gets a bare 400 and loses what they typed.
/// This turns each <c>%00</c> of a page's form into <c>%1A</c> (SUB, the "substitute" control character), which
/// the form reader accepts and <see cref="PlainTextRule"/> then refuses with a message by the field, the input kept.
/// </summary>
internal sealed class FormNulMiddleware(RequestDelegate next)
{
    /// <summary>Forms larger than this are left to the framework's limits and errors.</summary>
    private const int MaxInspectedBytes = 1024 * 1024;

    private static readonly byte[] Nul = "%00"u8.ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method)
            && request.HasFormContentType
            && request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            && request.ContentLength is > 0 and <= MaxInspectedBytes)
        {
            var body = new byte[request.ContentLength.Value];
            await request.Body.ReadExactlyAsync(body, context.RequestAborted);
            if (body.AsSpan().IndexOf(Nul) >= 0)
            {
                body = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(body).Replace("%00", "%1A", StringComparison.Ordinal));
                request.ContentLength = body.Length;
            }

            request.Body = new MemoryStream(body, writable: false);
        }

        await next(context);
    }
}
