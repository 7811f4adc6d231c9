{
  "variables": {
    "genfeed_openblas%": "<!(node native/probe-blas.mjs)"
  },
  "targets": [
    {
      "target_name": "genfeed_native",
      "sources": ["native/genfeed.c"],
      "cflags_c": ["-std=c11", "-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd"],
      "cflags!": ["-O2"],
      "conditions": [
        ["genfeed_openblas==1", {
          "defines": ["GENFEED_OPENBLAS"],
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
