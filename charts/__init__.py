"""Every chart of the app, Plotly and Vega-Lite: data in, figures out, no Streamlit.

Shared: `theme` (the look), `labels` (typed characters made safe for each renderer: the one
choke point), `plotly_figure` (Plotly assembly and the one toolbar config), `vega` (what every
live Vega-Lite chart shares) and `loss` (the one loss curve, in both renderers).

The Train page's views are the package `train`, a module per view with both of its renderings
side by side (the Plotly figure and the live Vega-Lite chart): `predictions`, `probabilities`,
`hidden_states`; `onehot` (Plotly only) and `layout` (the sizes and rules both renderers obey).
The other pages have a module each: `compare`, `inside`, `shapes`, `embeddings`, `what_if`,
`gradient_flow` and `clipping` (the Gradient flow page's clipping view).
"""
